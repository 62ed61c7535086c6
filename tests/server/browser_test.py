#!/usr/bin/env python3
"""Browser test of the page tandem serve shows at GET /: headless Chromium from Debian, driven by
Selenium, types a sentence (Latin letters and Chinese), clicks Translate, waits for the output,
checks the heatmap has one cell per (source token, output token) pair against the JSON API, and
saves a screenshot. Usage: browser_test.py URL SCREENSHOT.png [SENTENCE]"""
import json
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def api_translate(url, text):
    request = urllib.request.Request(
        url + "v1/translate", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"inputs": [text], "attention": True}).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["outputs"][0]


def main():
    url, screenshot = sys.argv[1], sys.argv[2]
    sentence = sys.argv[3] if len(sys.argv) > 3 else "hello你好世界"
    url = url.rstrip("/") + "/"
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"  # Debian's Chromium, not a downloaded one
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1000,900",
                 "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"),
                              options=options)
    try:
        wait = WebDriverWait(driver, 20)
        driver.get(url)
        wait.until(lambda d: "vocabularies" in d.find_element(By.ID, "model").text)
        box = driver.find_element(By.ID, "source")
        box.clear()
        box.send_keys(sentence)
        beam = driver.find_element(By.ID, "beam")
        beam.clear()
        beam.send_keys("3")
        driver.find_element(By.ID, "translate").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#heatmap td.cell")))
        wait.until(lambda d: d.find_element(By.ID, "status").text.startswith("done"))

        outputs = driver.find_elements(By.CSS_SELECTOR, "#outputs li.output")
        assert 1 <= len(outputs) <= 3, f"{len(outputs)} outputs for beam 3"
        best_text = outputs[0].find_element(By.CLASS_NAME, "text").text
        expected = api_translate(url, sentence)  # greedy; the page searched with beam 3
        source, tokens = expected["source_tokens"], None
        rows = driver.find_elements(By.CSS_SELECTOR, "#heatmap tbody tr")
        header = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#heatmap thead th")]
        cells = driver.find_elements(By.CSS_SELECTOR, "#heatmap td.cell")
        tokens = [r.find_element(By.TAG_NAME, "th").text for r in rows]
        assert header[1:] == source, f"columns {header[1:]} != source tokens {source}"
        assert tokens[-1] == "</s>", f"last row {tokens[-1]!r} is not </s>"
        assert "".join(tokens[:-1]) == best_text.replace(" ", ""), (tokens, best_text)
        assert len(cells) == len(source) * len(tokens), (
            f"{len(cells)} cells for {len(source)} source × {len(tokens)} output tokens")
        for row in rows:  # each output token's weights over the source sum to 1
            weights = [float(td.get_attribute("data-weight"))
                       for td in row.find_elements(By.CSS_SELECTOR, "td.cell")]
            assert abs(sum(weights) - 1.0) < 0.01 * len(weights), weights
        # Hovering a cell shows its weight.
        webdriver.ActionChains(driver).move_to_element(cells[0]).perform()
        tip = driver.find_element(By.ID, "tip")
        wait.until(lambda d: tip.is_displayed())
        assert "→" in tip.text and source[0] in tip.text, tip.text

        # A bad request shows the server's message instead of failing silently.
        box.clear()
        box.send_keys("x" * 1001)
        driver.find_element(By.ID, "translate").click()
        wait.until(lambda d: d.find_element(By.ID, "status").text.startswith("error"))
        assert "1000" in driver.find_element(By.ID, "status").text

        # Back to the good sentence for the screenshot, hovering one cell.
        box.clear()
        box.send_keys(sentence)
        driver.find_element(By.ID, "translate").click()
        wait.until(lambda d: d.find_element(By.ID, "status").text.startswith("done"))
        cells = driver.find_elements(By.CSS_SELECTOR, "#heatmap td.cell")
        row = cells[len(source):2 * len(source)]  # the second output token's weights
        strongest = max(row, key=lambda td: float(td.get_attribute("data-weight")))
        webdriver.ActionChains(driver).move_to_element(strongest).perform()
        driver.save_screenshot(screenshot)
        print(f"ok: {sentence!r} -> {best_text!r}, {len(tokens)}×{len(source)} heatmap cells; "
              f"screenshot {screenshot}")
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
