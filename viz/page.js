/* autodiff interactive graph page (viz.page): pan/zoom, collapsible Block scopes,
   hover details, and a slider through the forward then the backward pass.
   Reads the JSON in #autodiff-data; needs nothing from the network. */
(function () {
  'use strict';
  var SVGNS = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('autodiff-data').textContent);
  var host = document.getElementById('autodiff-graph');
  var svg = host.querySelector('svg');
  var root = svg.querySelector('g.graph');
  var tip = document.getElementById('autodiff-tip');
  var slider = document.getElementById('autodiff-step');
  var stepText = document.getElementById('autodiff-step-text');

  // ---- pan and zoom: the SVG's viewBox ----------------------------------------------
  var vb = svg.viewBox.baseVal;
  var home = {x: vb.x, y: vb.y, w: vb.width, h: vb.height};
  var view = {x: home.x, y: home.y, w: home.w, h: home.h};
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  function showView() {
    svg.setAttribute('viewBox', [view.x, view.y, view.w, view.h].join(' '));
  }
  function svgPoint(clientX, clientY) {
    var p = svg.createSVGPoint();
    p.x = clientX;
    p.y = clientY;
    var m = svg.getScreenCTM();
    return m ? p.matrixTransform(m.inverse()) : {x: view.x + view.w / 2, y: view.y + view.h / 2};
  }
  function zoom(factor, at) {
    var c = at || {x: view.x + view.w / 2, y: view.y + view.h / 2};
    view.x = c.x - (c.x - view.x) * factor;
    view.y = c.y - (c.y - view.y) * factor;
    view.w *= factor;
    view.h *= factor;
    showView();
  }
  svg.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    zoom(ev.deltaY < 0 ? 0.8 : 1.25, svgPoint(ev.clientX, ev.clientY));
  }, {passive: false});
  var drag = null;
  svg.addEventListener('mousedown', function (ev) {
    if (ev.button !== 0) { return; }
    drag = {x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false};
    host.classList.add('dragging');
  });
  window.addEventListener('mousemove', function (ev) {
    if (!drag) { return; }
    var r = svg.getBoundingClientRect();
    var scale = Math.max(view.w / Math.max(r.width, 1), view.h / Math.max(r.height, 1));
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; }
    view.x = drag.vx - dx * scale;
    view.y = drag.vy - dy * scale;
    showView();
  });
  window.addEventListener('mouseup', function () {
    host.classList.remove('dragging');
    setTimeout(function () { drag = null; }, 0);
  });
  function wasDrag() { return drag !== null && drag.moved; }
  document.getElementById('autodiff-zoom-in').addEventListener('click', function () { zoom(0.8); });
  document.getElementById('autodiff-zoom-out').addEventListener('click', function () { zoom(1.25); });
  document.getElementById('autodiff-fit').addEventListener('click', function () {
    view = {x: home.x, y: home.y, w: home.w, h: home.h};
    showView();
  });

  // ---- elements by DOT id --------------------------------------------------------------
  var nodeEl = {};
  Object.keys(data.nodes).forEach(function (id) {
    var el = document.getElementById('node_' + id);
    if (el) { nodeEl[id] = el; }
  });
  var edgeEl = {};
  Object.keys(data.edges).forEach(function (id) {
    var el = document.getElementById(id);
    if (el) { edgeEl[id] = el; }
  });
  // graphviz's own tooltips (<a xlink:title>) would cover ours
  Array.prototype.forEach.call(svg.querySelectorAll('a'), function (a) {
    a.removeAttributeNS('http://www.w3.org/1999/xlink', 'title');
    a.removeAttribute('title');
  });
  Array.prototype.forEach.call(svg.querySelectorAll('title'), function (t) {
    t.parentNode.removeChild(t);
  });

  // ---- collapsible scopes --------------------------------------------------------------
  var collapsed = {};          // cluster id -> its fold box
  function hiddenNodes() {
    var hidden = {};
    Object.keys(collapsed).forEach(function (cid) {
      data.clusters[cid].members.forEach(function (id) { hidden[id] = cid; });
    });
    return hidden;
  }
  function outermostCollapsed(cid) {
    var best = cid;
    Object.keys(collapsed).forEach(function (other) {
      if (data.clusters[other].inner.indexOf(best) >= 0) { best = other; }
    });
    return best;
  }
  function layout() {
    var hidden = hiddenNodes();
    var innerHidden = {};
    Object.keys(collapsed).forEach(function (cid) {
      data.clusters[cid].inner.forEach(function (k) { innerHidden[k] = true; });
    });
    Object.keys(nodeEl).forEach(function (id) {
      nodeEl[id].classList.toggle('ad-hidden', hidden.hasOwnProperty(id));
    });
    Object.keys(edgeEl).forEach(function (eid) {
      var ends = data.edges[eid];
      var a = hidden[ends[0]], b = hidden[ends[1]];
      var inside = a !== undefined && b !== undefined &&
        outermostCollapsed(a) === outermostCollapsed(b);
      edgeEl[eid].classList.toggle('ad-hidden', inside);
    });
    Object.keys(data.clusters).forEach(function (cid) {
      var el = document.getElementById(cid);
      var hide = innerHidden.hasOwnProperty(cid);
      if (el) { el.classList.toggle('ad-hidden', hide); }
      if (collapsed[cid]) { collapsed[cid].classList.toggle('ad-hidden', hide); }
    });
  }
  function collapse(cid) {
    var el = document.getElementById(cid);
    if (!el || collapsed[cid]) { return; }
    var box = el.getBBox();
    var c = data.clusters[cid];
    var g = document.createElementNS(SVGNS, 'g');
    g.setAttribute('class', 'ad-fold');
    g.setAttribute('id', 'fold_' + cid);
    var rect = document.createElementNS(SVGNS, 'rect');
    rect.setAttribute('x', box.x);
    rect.setAttribute('y', box.y);
    rect.setAttribute('width', box.width);
    rect.setAttribute('height', box.height);
    rect.setAttribute('rx', 6);
    g.appendChild(rect);
    [c.label, c.summary, '(click to expand)'].forEach(function (line, i) {
      var t = document.createElementNS(SVGNS, 'text');
      t.setAttribute('x', box.x + box.width / 2);
      t.setAttribute('y', box.y + Math.min(box.height / 2, 24) + 15 * i);
      t.setAttribute('text-anchor', 'middle');
      t.textContent = line;
      g.appendChild(t);
    });
    g.addEventListener('click', function (ev) {
      ev.stopPropagation();
      if (!wasDrag()) { expand(cid); }
    });
    root.appendChild(g);
    collapsed[cid] = g;
    layout();
  }
  function expand(cid) {
    var g = collapsed[cid];
    if (!g) { return; }
    g.parentNode.removeChild(g);
    delete collapsed[cid];
    layout();
    showStep();
  }
  Object.keys(data.clusters).forEach(function (cid) {
    var el = document.getElementById(cid);
    if (!el) { return; }
    el.addEventListener('click', function (ev) {
      ev.stopPropagation();
      if (!wasDrag()) { collapse(cid); showStep(); }
    });
  });

  // ---- hover details ---------------------------------------------------------------------
  Object.keys(nodeEl).forEach(function (id) {
    var el = nodeEl[id];
    el.addEventListener('mousemove', function (ev) {
      tip.textContent = data.nodes[id].info.join('\n');
      tip.hidden = false;
      tip.style.left = (ev.clientX + 14) + 'px';
      tip.style.top = (ev.clientY + 14) + 'px';
    });
    el.addEventListener('mouseleave', function () { tip.hidden = true; });
  });

  // ---- the step slider: forward pass, then backward pass -----------------------------------
  var steps = data.steps;
  slider.max = String(steps.length);
  var forwardIndex = {};
  steps.forEach(function (s, i) { if (s.phase === 'forward') { forwardIndex[s.node] = i; } });
  function visible(id) {
    var hidden = hiddenNodes();
    if (!hidden.hasOwnProperty(id)) { return nodeEl[id]; }
    return collapsed[outermostCollapsed(hidden[id])];
  }
  function clearMarks() {
    Array.prototype.forEach.call(svg.querySelectorAll('.ad-pending, .ad-current, .ad-grad'),
      function (el) { el.classList.remove('ad-pending', 'ad-current', 'ad-grad'); });
  }
  function showStep() {
    clearMarks();
    var k = Number(slider.value);
    if (k === 0) {
      stepText.textContent = steps.length ? 'slide to run the forward pass, then the backward pass' : '';
      return;
    }
    Object.keys(nodeEl).forEach(function (id) {
      var i = forwardIndex[id];
      var node = data.nodes[id];
      var pending = i !== undefined ? i >= k : (!node.input && k <= countForward());
      if (pending) { nodeEl[id].classList.add('ad-pending'); }
    });
    Object.keys(edgeEl).forEach(function (eid) {
      var head = data.edges[eid][1];
      if (nodeEl[head] && nodeEl[head].classList.contains('ad-pending')) {
        edgeEl[eid].classList.add('ad-pending');
      }
    });
    for (var i = 0; i < k; i++) {
      var s = steps[i];
      if (s.phase === 'backward') {
        [s.node, s.also].forEach(function (id) {
          var el = id ? visible(id) : null;
          if (el) { el.classList.add('ad-grad'); }
        });
      }
    }
    var cur = steps[k - 1];
    var el = visible(cur.node);
    if (el) { el.classList.remove('ad-pending'); el.classList.add('ad-current'); }
    stepText.textContent = cur.text;
  }
  var nForward = null;
  function countForward() {
    if (nForward === null) {
      nForward = steps.filter(function (s) { return s.phase === 'forward'; }).length;
    }
    return nForward;
  }
  slider.addEventListener('input', showStep);
  slider.addEventListener('change', showStep);

  data.collapsed.forEach(collapse);
  showStep();
  document.body.setAttribute('data-ready', '1');
}());
