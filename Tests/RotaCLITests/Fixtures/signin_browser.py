#!/usr/bin/env python3
"""Drives Debian's chromium (chromium-driver, selenium) through rota's self-service sign-in, like
a person on a phone: 390 px wide. Prints what it saw as JSON; the Swift test decides.

usage: signin_browser.py form BASE PERSON      the sign-in form: type an id, send it
       signin_browser.py link BASE LINK_PATH   open the link that arrived: the person's own page,
                                               where its buttons sit, then the board
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

WIDTH = 390


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(flag)
    # A phone's screen: 390 CSS pixels wide (a desktop window cannot be that narrow headless).
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": WIDTH, "height": 844, "pixelRatio": 3.0}})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def box(driver, element):
    return driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];", element)


def main():
    mode, base, argument = sys.argv[1:4]
    seen = {}
    driver = browser()
    try:
        if mode == "form":
            driver.get(base + "/signin")
            seen["viewport"] = driver.execute_script("return window.innerWidth")
            seen["form_title"] = driver.title
            field = driver.find_element(By.ID, "person")
            seen["field_box"] = box(driver, field)
            field.send_keys(argument)
            button = driver.find_element(By.XPATH, "//button[normalize-space(.)='Send me a sign-in link']")
            button.click()
            # Wait for the answer page itself: polling the old button while the form's POST
            # navigates can raise chromium's "node does not belong to the document" (seen in CI).
            WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
                expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "main p[role=status]")))
            seen["answer"] = driver.find_element(By.TAG_NAME, "main").text
            seen["scroll_width"] = driver.execute_script("return document.documentElement.scrollWidth")
        else:
            driver.get(base + argument)  # 303 with the cookie, on to the person's page
            seen["url"] = driver.current_url
            seen["title"] = driver.title
            seen["scroll_width"] = driver.execute_script("return document.documentElement.scrollWidth")
            seen["too_wide"] = driver.execute_script(
                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
                ".slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 40))")
            headings = driver.find_elements(By.TAG_NAME, "h2")
            seen["headings"] = [[h.text, box(driver, h)[1]] for h in headings]
            seen["buttons"] = [[b.text, box(driver, b)] for b in driver.find_elements(By.TAG_NAME, "button")]
            seen["main"] = driver.find_element(By.TAG_NAME, "main").text[:3000]
            # A status update from the first incident card's form, typed as on a phone.
            fields = driver.find_elements(By.TAG_NAME, "textarea")
            seen["textareas"] = [box(driver, f) for f in fields]
            if fields:
                try:
                    fields[0].send_keys("Rolled back; next update at 15:00")
                    page = driver.current_url
                    post = driver.find_element(By.XPATH, "//button[starts-with(normalize-space(.), 'Post update on #')]")
                    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", post)
                    post.click()
                    WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,)).until(
                        lambda d: d.execute_script("return document.readyState") == "complete" and d.find_elements(By.TAG_NAME, "textarea")
                        and d.find_elements(By.TAG_NAME, "textarea")[0].get_attribute("value") == "")
                    seen["after_update_url"] = driver.current_url
                    seen["after_update_same_page"] = driver.current_url == page
                except Exception as error:  # said in the report, so the test shows what the browser met
                    seen["update_error"] = repr(error)[:2000]
            driver.get(base + "/")  # the cookie the link set opens the board
            seen["board_title"] = driver.title
            seen["board_text"] = driver.find_element(By.TAG_NAME, "main").text[:2000]
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
