#!/usr/bin/env python3
"""Drives Debian's chromium (chromium-driver, selenium) to rota's response report page like a
person on a phone: signs in with the board link, opens /report for a period, and prints what it
saw as JSON (every figure the page marks with data-key, its charts, whether it fits the screen).
The Swift test decides what is right.

usage: report_browser.py BASE SIGNIN_PATH REPORT_PATH [--screenshot FILE] [--width PX]
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def main():
    base, signin, report = sys.argv[1:4]
    screenshot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    width = int(sys.argv[sys.argv.index("--width") + 1]) if "--width" in sys.argv else 390
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(flag)
    # A phone's screen, width CSS pixels wide (a desktop window cannot be that narrow headless).
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": 844, "pixelRatio": 2.0}})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    seen = {}
    try:
        driver.get(base + signin)  # 303 to / with the cookie
        seen["board_links"] = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a[href$='/report']")]
        driver.get(base + report)
        seen["title"] = driver.title
        seen["figures"] = {e.get_attribute("data-key"): e.get_attribute("data-value")
                           for e in driver.find_elements(By.CSS_SELECTOR, "[data-key]")}
        charts = []
        for svg in driver.find_elements(By.CSS_SELECTOR, "svg.chart"):
            rect = svg.rect
            charts.append({"title": svg.find_element(By.TAG_NAME, "title").get_attribute("textContent"),
                           "bars": len(svg.find_elements(By.TAG_NAME, "rect")),
                           "bar_titles": [r.find_element(By.TAG_NAME, "title").get_attribute("textContent")
                                          for r in svg.find_elements(By.TAG_NAME, "rect")],
                           "width": rect["width"], "right": rect["x"] + rect["width"]})
        seen["charts"] = charts
        seen["scripts"] = len(driver.find_elements(By.TAG_NAME, "script"))
        seen["viewport"] = driver.execute_script("return window.innerWidth")
        seen["scroll_width"] = driver.execute_script("return document.documentElement.scrollWidth")
        seen["text"] = driver.find_element(By.TAG_NAME, "main").text
        if screenshot:
            # The whole page in one picture: the emulated screen made as tall as the page.
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": min(max(height, 600), 6000), "deviceScaleFactor": 1.5, "mobile": True})
            driver.save_screenshot(screenshot)
    except Exception as error:  # the Swift test fails with what the browser met
        seen["error"] = repr(error)
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
