/**
 * The browser side of report.html, inlined into the page: pivot, filters, heatmap, cell details.
 * Plain ES2020 in a string (no template literals inside, so it embeds as is); all text reaches
 * the DOM through textContent, never innerHTML.
 */
export const HTML_CLIENT_JS = String.raw`
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('kmatrix-data').textContent);
  var SEV = { fail: 7, timeout: 6, error: 5, flaky: 4, pass: 3, skip: 2, invalid: 1, duplicate: 0 };
  var place = {};
  var excluded = {};
  var statusOn = {};
  var highlight = null;
  D.axes.forEach(function (a, i) {
    place[a] = D.rows.indexOf(a) >= 0 ? 'rows' : D.cols.indexOf(a) >= 0 ? 'cols' : 'stack';
    excluded[i] = {};
  });
  D.statuses.forEach(function (s) {
    statusOn[s] = true;
  });

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs)
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'cls') e.className = attrs[k];
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
        else e.setAttribute(k, attrs[k]);
      });
    (children || []).forEach(function (c) {
      if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function show(axis, v) {
    if (v === '') return axis === 'boot' ? '(no params)' : '(none)';
    if (axis === 'commit' && /^[0-9a-f]{40}$/.test(v)) return v.slice(0, 12);
    return v;
  }
  function short(axis) {
    return axis.replace(/^kconfig\./, '');
  }
  function value(c, i) {
    return D.values[i][c.a[i]];
  }

  function statusBar() {
    var bar = document.getElementById('status-filter');
    bar.textContent = '';
    D.statuses.forEach(function (s) {
      var n = D.counts[s] || 0;
      var cb = el('input', {
        type: 'checkbox',
        'data-status': s,
        onchange: function () {
          statusOn[s] = cb.checked;
          render();
        },
      });
      cb.checked = statusOn[s];
      bar.appendChild(
        el('label', { cls: 'status-toggle st-' + s + (n ? '' : ' zero') }, [
          cb,
          el('span', { cls: 'sym', text: D.symbols[s] }),
          ' ' + s + ' ',
          el('b', { text: String(n) }),
        ])
      );
    });
  }

  function axisControls() {
    var box = document.getElementById('axes');
    box.textContent = '';
    D.axes.forEach(function (a, i) {
      var row = el('div', { cls: 'axis-row' });
      row.appendChild(el('span', { cls: 'axis-name', text: a }));
      var seg = el('span', { cls: 'seg' });
      [
        ['rows', 'rows'],
        ['cols', 'columns'],
        ['stack', 'stacked'],
      ].forEach(function (p) {
        var b = el('button', {
          type: 'button',
          'data-axis': a,
          'data-place': p[0],
          cls: place[a] === p[0] ? 'on' : '',
          text: p[1],
          onclick: function () {
            place[a] = p[0];
            axisControls();
            render();
          },
        });
        seg.appendChild(b);
      });
      row.appendChild(seg);
      var vals = el('span', { cls: 'vals' });
      D.values[i].forEach(function (v, j) {
        var cb = el('input', {
          type: 'checkbox',
          'data-axis': a,
          'data-value': v,
          onchange: function () {
            if (cb.checked) delete excluded[i][j];
            else excluded[i][j] = true;
            render();
          },
        });
        cb.checked = !excluded[i][j];
        vals.appendChild(el('label', { cls: 'val' }, [cb, ' ' + show(a, v)]));
      });
      row.appendChild(vals);
      box.appendChild(row);
    });
  }

  function cmpKeys(x, y) {
    for (var i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  }

  function render() {
    var rowAx = [],
      colAx = [];
    D.axes.forEach(function (a, i) {
      if (place[a] === 'rows') rowAx.push(i);
      else if (place[a] === 'cols') colAx.push(i);
    });
    var visible = D.cells.filter(function (c) {
      if (!statusOn[c.s]) return false;
      for (var i = 0; i < c.a.length; i++) if (excluded[i][c.a[i]]) return false;
      return true;
    });
    var rows = {},
      cols = {},
      at = {};
    visible.forEach(function (c) {
      var rk = rowAx.map(function (i) {
          return c.a[i];
        }),
        ck = colAx.map(function (i) {
          return c.a[i];
        });
      var r = rk.join(','),
        k = ck.join(',');
      rows[r] = rk;
      cols[k] = ck;
      (at[r + '|' + k] = at[r + '|' + k] || []).push(c);
    });
    var rowKeys = Object.keys(rows)
      .map(function (k) {
        return rows[k];
      })
      .sort(cmpKeys);
    var colKeys = Object.keys(cols)
      .map(function (k) {
        return cols[k];
      })
      .sort(cmpKeys);
    document.getElementById('shown').textContent = visible.length + ' of ' + D.cells.length + ' cells shown';

    var table = el('table', { id: 'heatmap', cls: 'heatmap' });
    var thead = el('thead');
    var levels = Math.max(colAx.length, 1);
    for (var lv = 0; lv < levels; lv++) {
      var tr = el('tr');
      rowAx.forEach(function (i, n) {
        tr.appendChild(el('th', { cls: 'corner', text: lv === levels - 1 ? short(D.axes[i]) : '' }));
      });
      if (colAx.length === 0) {
        tr.appendChild(el('th', { text: 'cells' }));
        thead.appendChild(tr);
        break;
      }
      var ax = colAx[lv];
      for (var k = 0; k < colKeys.length;) {
        var span = 1;
        while (
          k + span < colKeys.length &&
          colKeys[k + span].slice(0, lv + 1).join(',') === colKeys[k].slice(0, lv + 1).join(',')
        )
          span++;
        tr.appendChild(
          el('th', { colspan: String(span), cls: 'colhead', title: D.axes[ax] }, [
            short(D.axes[ax]) + '=' + show(D.axes[ax], D.values[ax][colKeys[k][lv]]),
          ])
        );
        k += span;
      }
      thead.appendChild(tr);
    }
    table.appendChild(thead);
    var tbody = el('tbody');
    rowKeys.forEach(function (rk, r) {
      var tr = el('tr');
      rowAx.forEach(function (i, lv) {
        var prefix = rk.slice(0, lv + 1).join(',');
        if (r > 0 && rowKeys[r - 1].slice(0, lv + 1).join(',') === prefix) return;
        var span = 1;
        while (r + span < rowKeys.length && rowKeys[r + span].slice(0, lv + 1).join(',') === prefix) span++;
        tr.appendChild(
          el('th', { rowspan: String(span), cls: 'rowhead' }, [show(D.axes[i], D.values[i][rk[lv]])])
        );
      });
      (colKeys.length ? colKeys : [[]]).forEach(function (ck) {
        var list = at[rk.join(',') + '|' + ck.join(',')] || [];
        var worst = list.reduce(function (w, c) {
          return w === null || SEV[c.s] > SEV[w] ? c.s : w;
        }, null);
        var td = el('td', { cls: 'hm' + (worst ? ' bg-' + worst : ' empty') });
        list.forEach(function (c) {
          var dim = highlight !== null && c.g !== highlight;
          td.appendChild(
            el('button', {
              type: 'button',
              cls: 'chip st-' + c.s + (dim ? ' dim' : '') + (selected === c ? ' sel' : ''),
              'data-cell-id': c.id,
              title: c.id + ' - ' + c.s + (c.sig ? ': ' + c.sig : ''),
              text: D.symbols[c.s],
              onclick: function () {
                select(c);
              },
            })
          );
        });
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    var holder = document.getElementById('heatmap-holder');
    holder.textContent = '';
    holder.appendChild(
      visible.length ? table : el('p', { cls: 'muted', text: 'No cell matches the filters.' })
    );
  }

  var selected = null;
  function select(c) {
    selected = c;
    var p = document.getElementById('detail');
    p.textContent = '';
    p.hidden = false;
    p.appendChild(
      el('div', { cls: 'detail-head' }, [
        el('span', { cls: 'badge st-' + c.s, text: D.symbols[c.s] + ' ' + c.s }),
        el('code', { cls: 'cell-id', text: c.id }),
        el('button', {
          type: 'button',
          cls: 'close',
          text: '\u00d7',
          title: 'close',
          onclick: function () {
            p.hidden = true;
            selected = null;
            render();
          },
        }),
      ])
    );
    if (c.sig) p.appendChild(el('pre', { cls: 'signature', id: 'detail-signature', text: c.sig }));
    var dl = el('table', { cls: 'facts' });
    D.axes.forEach(function (a, i) {
      dl.appendChild(el('tr', null, [el('th', { text: a }), el('td', { text: show(a, value(c, i)) })]));
    });
    [
      ['attempts', c.n],
      ['duration', (c.ms / 1000).toFixed(3) + ' s'],
      ['cached', c.cached ? 'yes' : 'no'],
      ['reason', c.why],
      ['duplicate of', c.dup],
      ['log file', c.log],
    ].forEach(function (f) {
      if (f[1] !== undefined && f[1] !== null && f[1] !== '')
        dl.appendChild(el('tr', null, [el('th', { text: f[0] }), el('td', { text: String(f[1]) })]));
    });
    p.appendChild(dl);
    var ex = c.sig
      ? D.explanations.filter(function (e) {
          return e.signature === c.sig;
        })
      : [];
    ex.forEach(function (e) {
      p.appendChild(
        el('p', { cls: 'explain' }, [
          'Explanation: fails ' + (e.exact ? 'exactly when ' : 'mostly when '),
          el('code', { text: e.conjunction.join(' & ') || '(no simple conjunction)' }),
        ])
      );
    });
    if (c.t !== undefined) {
      p.appendChild(el('h4', { text: 'Log (tail)' }));
      p.appendChild(el('pre', { cls: 'log', id: 'log', text: D.logs[c.t] }));
    } else if (c.log) {
      p.appendChild(el('p', { cls: 'muted', text: 'Log not embedded; see ' + c.log }));
    }
    render();
    p.scrollIntoView({ block: 'nearest' });
  }

  function failures() {
    var box = document.getElementById('failures');
    if (!D.groups.length) {
      box.appendChild(el('p', { cls: 'muted', text: 'No failing cell.' }));
      return;
    }
    D.groups.forEach(function (g, gi) {
      var cells = D.cells.filter(function (c) {
        return c.g === gi;
      });
      var det = el('details', { cls: 'group' });
      var sum = el('summary', null, [
        el('span', { cls: 'sym st-' + cells[0].s, text: D.symbols[cells[0].s] }),
        ' ',
        el('code', { text: g }),
        ' ',
        el('span', { cls: 'muted', text: cells.length + (cells.length === 1 ? ' cell' : ' cells') }),
        el('button', {
          type: 'button',
          cls: 'hl',
          text: 'highlight',
          onclick: function (ev) {
            ev.preventDefault();
            highlight = highlight === gi ? null : gi;
            render();
          },
        }),
      ]);
      det.appendChild(sum);
      var ul = el('ul');
      cells.slice(0, 200).forEach(function (c) {
        ul.appendChild(
          el('li', null, [
            el('a', {
              href: '#',
              'data-cell-id': c.id,
              text: c.id,
              onclick: function (ev) {
                ev.preventDefault();
                select(c);
              },
            }),
            c.s === 'fail' ? '' : ' (' + c.s + ')',
          ])
        );
      });
      if (cells.length > 200)
        ul.appendChild(el('li', { cls: 'muted', text: '... and ' + (cells.length - 200) + ' more' }));
      det.appendChild(ul);
      box.appendChild(det);
    });
  }

  // the timeline's and the signature panel's chips (rendered with the page) open their cell too
  document.addEventListener('click', function (ev) {
    var t = ev.target && ev.target.closest ? ev.target.closest('[data-open-cell]') : null;
    if (!t) return;
    var id = t.getAttribute('data-open-cell');
    var c = D.cells.filter(function (x) {
      return x.id === id;
    })[0];
    if (c) select(c);
  });

  statusBar();
  axisControls();
  failures();
  render();
})();
`;
