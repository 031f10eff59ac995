"""A headless Chromium driven by Selenium, for the interactive page tests."""
import os
import shutil

import pytest

CHROMIUM = ('/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome')
DRIVER = ('/usr/bin/chromedriver',)
FLAGS = ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--window-size=1200,900')


def _first(paths, name):
    for p in paths:
        if os.path.exists(p):
            return p
    return shutil.which(name)


def start(profile_dir):
    """A Chromium WebDriver with a fresh profile in ``profile_dir``; skips the test only
    when no browser (or no chromedriver, or no selenium) is installed."""
    webdriver = pytest.importorskip('selenium.webdriver', reason='selenium is not installed')
    browser = _first(CHROMIUM, 'chromium')
    driver = _first(DRIVER, 'chromedriver')
    if browser is None or driver is None:
        pytest.skip('no Chromium browser and chromedriver installed '
                    '(apt-get install -y chromium chromium-driver)')
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f'--user-data-dir={profile_dir}')
    options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    return webdriver.Chrome(service=Service(driver), options=options)
