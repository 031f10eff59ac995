"""Reading rendered SVG in tests: node texts by DOT node, cluster labels."""
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/2000/svg}'


def parse(svg):
    """The SVG (str or bytes) as an ElementTree root."""
    return ET.fromstring(svg)


def groups(root, cls):
    """``{title: [texts]}`` for every ``<g class=cls>`` (cls 'node', 'cluster', 'edge')."""
    found = {}
    for g in root.iter(f'{NS}g'):
        if g.get('class') == cls:
            title = g.find(f'{NS}title')
            texts = [t.text for t in g.iter(f'{NS}text') if t.text]
            found[title.text if title is not None else g.get('id')] = texts
    return found


def cluster_labels(root):
    """The label of every cluster (its first text)."""
    return [texts[0] for texts in groups(root, 'cluster').values() if texts]


def node_texts(root):
    """Every node's text lines, keyed by DOT node name."""
    return groups(root, 'node')
