#!/usr/bin/env python3
"""Drives Debian's chromium (through chromium-driver and selenium) through rota's board, like a
person would: the board without signing in, the sign-in link, a schedule page, a person's page
and its Acknowledge button. Prints what it saw as JSON; the Swift test decides what is right.

usage: board_browser.py BASE SIGNIN_PATH SCHEDULE_ID PERSON_PATH [--screenshot FILE] [--width PX]
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def browser(width):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                 f"--window-size={width},1200"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def rows(driver):
    """The on-call table: schedule id (from its link) → the person shown."""
    found = {}
    for row in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr"):
        links = row.find_elements(By.CSS_SELECTOR, "th a[href*='/schedules/']")
        cells = row.find_elements(By.TAG_NAME, "td")
        if links and cells:
            found[links[0].get_attribute("href").rsplit("/", 1)[-1]] = cells[0].text
    return found


def bars(driver, kind):
    """Every bar of a kind, as (row's schedule id, title)."""
    result = []
    for row in driver.find_elements(By.CSS_SELECTOR, ".row"):
        name = row.find_elements(By.CSS_SELECTOR, "a.name")
        for bar in row.find_elements(By.CSS_SELECTOR, f"li.{kind}"):
            result.append([name[0].text if name else "", bar.get_attribute("title")])
    return result


def main():
    base, signin, schedule, person = sys.argv[1:5]
    screenshot = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else None
    width = int(sys.argv[sys.argv.index("--width") + 1]) if "--width" in sys.argv else 1280
    seen = {}
    driver = browser(width)
    try:
        driver.get(base + "/")
        seen["before_signin"] = {"title": driver.title, "text": driver.find_element(By.TAG_NAME, "main").text}
        driver.get(base + signin)  # 303 to / with the cookie
        seen["board"] = {
            "url": driver.current_url, "title": driver.title, "on_call": rows(driver), "gaps": bars(driver, "gap"),
            "text": driver.find_element(By.TAG_NAME, "body").text,
            "scripts": len(driver.find_elements(By.TAG_NAME, "script")),
            "times": len(driver.find_elements(By.CSS_SELECTOR, "time[datetime]")),
            "landmarks": [len(driver.find_elements(By.TAG_NAME, tag)) for tag in ("header", "main", "footer")],
            "scroll_width": driver.execute_script("return document.documentElement.scrollWidth"),
        }
        if screenshot:
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(max(height + 40, 600), 2400))
            driver.save_screenshot(screenshot)
        driver.get(base + "/schedules/" + schedule)
        seen["schedule"] = {"title": driver.title, "gaps": bars(driver, "gap"),
                            "text": driver.find_element(By.TAG_NAME, "main").text}
        driver.delete_all_cookies()
        driver.get(base + person)  # a person's page needs no cookie: its token is enough
        buttons = driver.find_elements(By.XPATH, "//button[starts-with(normalize-space(.), 'Acknowledge')]")
        seen["person"] = {"title": driver.title, "text": driver.find_element(By.TAG_NAME, "main").text,
                          "buttons": [b.text for b in buttons]}
        if buttons:
            buttons[0].click()
            # A form's POST and its 303 are a navigation that click() does not wait for: wait (bounded)
            # until the old page is gone and the new one has its <main>, else report what was there.
            try:
                WebDriverWait(driver, 60).until(expected_conditions.staleness_of(buttons[0]))
                WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.TAG_NAME, "main")))
                seen["after_click"] = {"url": driver.current_url, "text": driver.find_element(By.TAG_NAME, "main").text}
            except Exception as error:  # the Swift test fails with what the browser showed
                seen["after_click"] = {"url": driver.current_url, "error": repr(error), "source": driver.page_source[:4000]}
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
