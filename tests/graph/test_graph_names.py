"""Labels from the caller's code: variables and constants named by the frame that asks."""
import numpy as onp

import viz
from autodiff import np, npx, autograd

npx.set_np()
xin = np.array([1., 2.])               # a module global, used as an unmarked input


def labels(G, kind):
    return [d['label'] for _, d in G.nodes(data=True) if d['kind'] == kind]


def test_locals_name_variables_and_constants():
    w1 = np.array([0.5, -1.])
    b = np.array([2., 3.])
    w1.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = (w1 * xin + b).sum()
    G = autograd.get_graph(y)
    assert labels(G, 'variable') == ['w1', 'b']
    assert labels(G, 'constant') == ['xin']              # a global of this module
    text = viz.to_text(y)
    assert '= variable w1 :' in text and '= constant xin :' in text
    dot = viz.draw(y, legend=False).source
    assert 'label="w1\\n' in dot and 'label="xin\\n' in dot


def test_names_argument_still_wins_and_false_turns_the_lookup_off():
    w1 = np.array([0.5, -1.])
    w1.attach_grad()
    with autograd.record():
        y = (w1 * 2).sum()
    assert labels(autograd.get_graph(y, names={'weight': w1}), 'variable') == ['weight']
    assert labels(autograd.get_graph(y, names=False), 'variable') == ['var0']


def test_first_bound_name_wins_and_underscore_names_are_skipped():
    _hidden = np.ones(2)
    _hidden.attach_grad()
    w2 = _hidden
    p = w2                                 # bound after w2: w2 wins
    with autograd.record():
        y = (p * p).sum()
    assert labels(autograd.get_graph(y), 'variable') == ['w2']


def helper_draws(y):
    """A helper that builds the graph: its own locals are the caller's frame."""
    return autograd.get_graph(y)


def test_names_only_in_an_outer_frame_are_not_found():
    outer_only = np.ones(2)
    outer_only.attach_grad()
    with autograd.record():
        y = (outer_only * 3).sum()
    assert labels(helper_draws(y), 'variable') == ['var0']   # documented: one frame only


def test_a_variable_made_inside_a_function_takes_the_callers_name_for_it():
    def make():
        v = np.array([1., 2.])
        v.attach_grad()
        with autograd.record():
            return v, (v * v).sum()
    weights, y = make()
    G = autograd.get_graph(y)
    assert labels(G, 'variable') == ['weights']
    (n,) = [n for n, d in G.nodes(data=True) if d['kind'] == 'variable']
    onp.testing.assert_array_equal(G.nodes[n]['value'], [1, 2])
