"""The interactive page: self-contained, and working in a real headless browser."""
import re

import pytest

import viz
from viz import engine
from viz.page import iframe, page_data
from autodiff import np, autograd

from tests.graph.test_graph_scope import params, two_layer
from tests.viz import browser


def trained_net():
    w1, b1, w2, b2 = params()
    with autograd.record():
        y = two_layer(np.ones((4, 3)), w1, b1, w2, b2)
        loss = (y * y).sum()
    loss.backward(retain_graph=True)
    return loss


def test_page_is_self_contained(tmp_path):
    path = viz.render(trained_net(), tmp_path / 'graph.html', depth=1)
    page = open(path, encoding='utf-8').read()
    assert page.startswith('<!DOCTYPE html>') and '<svg' in page
    # no network: no external script, style sheet, image or font
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page)
    assert '@import' not in page and 'url(http' not in page


def test_page_data_steps_follow_the_tape():
    loss = trained_net()
    fig = viz.draw(loss)
    data = page_data(fig.drawn_graph, fig.dot_ids, fig.pipe('svg', encoding='utf-8'), depth=1)
    phases = [s['phase'] for s in data['steps']]
    ops = [fig.dot_ids[n] for n, d in fig.drawn_graph.nodes(data=True) if d['kind'] == 'op']
    assert phases == ['forward'] * len(ops) + ['backward'] * (len(ops) + 4)   # + 4 params
    assert [s['node'] for s in data['steps'][:len(ops)]] == ops            # tape order
    assert [s['node'] for s in data['steps'][len(ops):len(ops) * 2]] == ops[::-1]
    assert data['steps'][-1]['text'].startswith(f'backward {len(ops) + 4}/{len(ops) + 4}')
    labels = {c['label'] for c in data['clusters'].values()}
    assert labels == {'hybridsequential0 : HybridSequential', 'dense0 : Dense', 'dense1 : Dense'}
    assert len(data['collapsed']) == 2                    # the two Dense scopes (depth 2)


def test_big_graphs_show_the_page_in_jupyter():
    x = np.ones(3)
    x.attach_grad()
    with autograd.record():
        y = x
        for i in range(60):
            y = np.sin(y) * 1.5 if i % 2 else y + 1
    with autograd.record():
        small = (x * 2).sum()
    assert not viz.draw(small).interactive
    assert 'image/svg+xml' in viz.draw(small)._repr_mimebundle_()
    fig = viz.draw(y, collapse=False)
    assert fig.interactive
    bundle = fig._repr_mimebundle_()
    assert list(bundle) == ['text/html'] and bundle['text/html'].startswith('<iframe srcdoc=')


def visible_nodes(driver):
    return driver.execute_script(
        "return Array.prototype.filter.call(document.querySelectorAll('g.node'),"
        " function (g) { return getComputedStyle(g).display !== 'none'; }).length;")


@pytest.mark.parametrize('program', [pytest.param(name, marks=pytest.mark.skipif(
    engine._which(name) is None, reason=f'{name} is not installed'))
    for name in engine.CANDIDATES])
def test_page_in_a_headless_browser(tmp_path, program):
    path = viz.render(trained_net(), tmp_path / 'graph.html', depth=1, show_grads=True,
                      program=program)
    driver = browser.start(tmp_path / 'profile')
    try:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        driver.get(f'file://{path}')
        assert driver.find_element(By.TAG_NAME, 'body').get_attribute('data-ready') == '1'
        errors = [e for e in driver.get_log('browser') if e['level'] == 'SEVERE']
        assert errors == []
        # the two Dense scopes start collapsed: their ops and parameters are hidden
        folds = driver.find_elements(By.CSS_SELECTOR, 'g.ad-fold')
        assert len(folds) == 2
        assert 'dense0 : Dense' in driver.page_source
        before = visible_nodes(driver)
        shot_before = driver.get_screenshot_as_png()
        folds[0].click()                                   # expand one of them
        after = visible_nodes(driver)
        assert after > before                              # its nodes came back
        assert len(driver.find_elements(By.CSS_SELECTOR, 'g.ad-fold')) == 1
        assert driver.get_screenshot_as_png() != shot_before
        # collapse it again by clicking its frame
        cluster = driver.find_element(By.CSS_SELECTOR, 'g.cluster#scope_1')
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', "
                              "{bubbles: true}))", cluster)
        assert visible_nodes(driver) == before
        # hover shows the details of a node
        node = driver.find_element(By.CSS_SELECTOR, 'g.node')
        driver.execute_script("var r = arguments[0].getBoundingClientRect();"
                              "arguments[0].dispatchEvent(new MouseEvent('mousemove', "
                              "{bubbles: true, clientX: r.x + 2, clientY: r.y + 2}))", node)
        tip = driver.find_element(By.ID, 'autodiff-tip')
        assert tip.is_displayed() and 'kind:' in tip.text
        # the slider, driven by the keyboard, reaches the last backward step
        slider = driver.find_element(By.ID, 'autodiff-step')
        slider.send_keys(Keys.HOME)
        slider.send_keys(Keys.ARROW_RIGHT)
        text = driver.find_element(By.ID, 'autodiff-step-text').text
        assert text.startswith('forward 1/') and 'runs' in text
        assert driver.find_elements(By.CSS_SELECTOR, 'g.ad-pending')   # later ops dimmed
        slider.send_keys(Keys.END)
        text = driver.find_element(By.ID, 'autodiff-step-text').text
        total = int(slider.get_attribute('max'))
        m = re.match(r'backward (\d+)/(\d+): gradient of (\S+) arrives', text)
        assert m and m.group(1) == m.group(2), text
        assert total == int(m.group(2)) + int(
            re.match(r'forward 1/(\d+)', driver.execute_script(
                "return document.getElementById('autodiff-step').value = 1,"
                "document.getElementById('autodiff-step').dispatchEvent(new Event('input')),"
                "document.getElementById('autodiff-step-text').textContent;")).group(1))
        errors = [e for e in driver.get_log('browser') if e['level'] == 'SEVERE']
        assert errors == []
    finally:
        driver.quit()


def test_iframe_escapes_the_page():
    html = iframe('<p title="a">x & y</p>')
    assert 'srcdoc="&lt;p title=&quot;a&quot;&gt;x &amp; y&lt;/p&gt;"' in html
