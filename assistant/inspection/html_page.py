"""``inspect --format html``: one self-contained page (no network): findings and a colour reach matrix.

The page carries its data as JSON in a ``<script type="application/json">`` block and a small
inline script draws the matrix (rows: sources, columns: destinations; green allowed, red denied,
amber some ports denied) and filters it by namespace and port. Manifest text only ever reaches the
page through ``textContent`` or escaped HTML, never as markup. ``#ns=shop&port=8080`` in the URL
presets the filters, which makes a filtered view linkable (and testable in a headless browser).
"""

from __future__ import annotations

import html
import json

from .catalog import SEVERITIES
from .pairs import fold_pairs, namespace_of
from .view import ReachFilter, build_view, clean, RowLimits

__all__ = ["render_html"]

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top}
.findings td.sev-error{color:#b71c1c;font-weight:600}.findings td.sev-warning{color:#8a5a00;font-weight:600}
.findings td.sev-info{color:#01579b}.findings tr.rule td{background:#fafafa;border-top:2px solid #ccc}
#matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:normal}
#matrix th.row{text-align:right;white-space:nowrap;font-weight:normal}
#matrix td{width:1.6em;height:1.6em;text-align:center;font-size:11px;padding:0}
td.allowed{background:#66bb6a}td.denied{background:#e53935;color:#fff}td.mixed{background:#ffb300}
td.none{background:#f3f3f3}
.controls label{margin-right:1em}.legend span{display:inline-block;padding:2px 8px;margin-right:6px}
.muted{color:#666}
"""

_SCRIPT = r"""
(function(){
  const data = JSON.parse(document.getElementById('reach-data').textContent);
  const srcNs = document.getElementById('f-src'), dstNs = document.getElementById('f-dst');
  const portSel = document.getElementById('f-port'), deniedOnly = document.getElementById('f-denied');
  const spaces = [...new Set(data.workloads.map(w => w.split('/')[0]))].sort();
  for (const sel of [srcNs, dstNs]) for (const ns of spaces) sel.add(new Option(ns, ns));
  const ports = [...new Set(data.verdicts.map(v => v[2]))].sort((a, b) => a - b);
  for (const p of ports) portSel.add(new Option(String(p), String(p)));
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get('ns')) { srcNs.value = params.get('ns'); dstNs.value = params.get('ns'); }
  if (params.get('from')) srcNs.value = params.get('from');
  if (params.get('to')) dstNs.value = params.get('to');
  if (params.get('port')) portSel.value = params.get('port');
  if (params.get('denied')) deniedOnly.checked = true;
  function draw() {
    const table = document.getElementById('matrix');
    table.textContent = '';
    const port = portSel.value ? Number(portSel.value) : null;
    const rows = data.workloads.filter(w => !srcNs.value || w.split('/')[0] === srcNs.value);
    const cols = data.workloads.filter(w => !dstNs.value || w.split('/')[0] === dstNs.value);
    const cells = new Map();
    for (const [s, d, p, proto, ok, why] of data.verdicts) {
      if (port !== null && p !== port) continue;
      const key = s + '\u0000' + d;
      const c = cells.get(key) || {ok: [], no: [], why: []};
      (ok ? c.ok : c.no).push(p + '/' + proto); c.why.push(p + '/' + proto + ': ' + why);
      cells.set(key, c);
    }
    const keep = cols.filter(d => rows.some(s => { const c = cells.get(s + '\u0000' + d);
      return c && (!deniedOnly.checked || c.no.length); }));
    const head = table.insertRow(); head.appendChild(document.createElement('th'));
    for (const d of keep) { const th = document.createElement('th'); th.className = 'col'; th.textContent = d; head.appendChild(th); }
    let shown = 0, denied = 0;
    for (const s of rows) {
      const cellsOfRow = keep.map(d => cells.get(s + '\u0000' + d));
      if (deniedOnly.checked && !cellsOfRow.some(c => c && c.no.length)) continue;
      const tr = table.insertRow(); const th = document.createElement('th'); th.className = 'row';
      th.textContent = s; tr.appendChild(th);
      keep.forEach((d, i) => {
        const c = cellsOfRow[i], td = tr.insertCell();
        if (!c) { td.className = 'none'; return; }
        td.className = c.no.length ? (c.ok.length ? 'mixed' : 'denied') : 'allowed';
        td.textContent = c.no.length ? '\u2717' : '\u2713';
        td.title = s + ' -> ' + d + '\n' + c.why.join('\n');
        td.dataset.from = s; td.dataset.to = d; shown++; if (c.no.length) denied++;
      });
    }
    document.getElementById('matrix-count').textContent =
      rows.length + ' sources x ' + keep.length + ' destinations; ' + shown + ' pairs shown, ' + denied + ' with denied ports';
    document.body.dataset.cells = String(shown);
    document.body.dataset.ready = '1';
  }
  for (const el of [srcNs, dstNs, portSel, deniedOnly]) el.addEventListener('change', draw);
  draw();
})();
"""


def _json_for_script(value: object) -> str:
    """JSON that cannot close its ``<script>`` element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(report, *, lang: str = "en", reach_filter: ReachFilter | None = None) -> str:  # noqa: ANN001
    view = build_view(report, lang=lang, reach_filter=reach_filter, limits=RowLimits.unlimited())
    e = html.escape
    workloads = sorted({v.source for v in view.verdicts} | {v.destination for v in view.verdicts},
                       key=lambda k: (namespace_of(k), k))
    data = {"workloads": [clean(w) for w in workloads],
            "verdicts": [[clean(v.source), clean(v.destination), v.port, v.protocol, v.allowed, clean(v.reason)]
                         for v in view.verdicts]}
    out = ["<!DOCTYPE html>", f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
           "script-src 'unsafe-inline'\">",
           "<title>podtalk inspect</title>", f"<style>{_STYLE}</style></head><body>",
           "<h1>podtalk inspect</h1>", f"<p>{e(view.summary)}</p>"]
    out.append("<h2>Findings</h2>")
    if view.groups:
        out.append('<table class="findings"><tr><th>severity</th><th>line</th><th>message</th></tr>')
        for severity in SEVERITIES:
            for group in (g for g in view.groups if g.severity == severity):
                out.append(f'<tr class="rule"><td class="sev-{e(severity)}">{e(severity)}</td><td colspan="2">'
                           f'<a href="{e(group.doc)}">{e(group.rule)}</a> ({len(group.rows)}): {e(group.title)}'
                           f'<br><span class="muted">hint: {e(group.hint)}</span></td></tr>')
                for row in group.rows:
                    out.append(f"<tr><td></td><td>{row.line}</td><td>{e(row.message)}</td></tr>")
        out.append("</table>")
    else:
        out.append('<p class="muted">No findings.</p>')
    out.append("<h2>Reachability</h2>")
    if view.reach_filter:
        out.append(f'<p class="muted">Filtered: {e(view.reach_filter)}</p>')
    out.append('<p class="legend"><span class="allowed" style="background:#66bb6a">allowed</span>'
               '<span style="background:#ffb300">some ports denied</span>'
               '<span style="background:#e53935;color:#fff">denied</span>'
               '<span style="background:#f3f3f3">no declared port</span> (hover a cell for the reasons)</p>')
    out.append('<p class="controls"><label>source namespace <select id="f-src"><option value="">all</option>'
               '</select></label><label>destination namespace <select id="f-dst"><option value="">all</option>'
               '</select></label><label>port <select id="f-port"><option value="">all</option></select></label>'
               '<label><input type="checkbox" id="f-denied"> denied only</label></p>')
    out.append('<p id="matrix-count" class="muted"></p><table id="matrix"></table>')
    expected = [(v, via) for v, via in report.expected if not v.allowed]
    if expected:
        out.append("<h2>Expected connections that are denied</h2><ul>")
        seen = set()
        for v, via in expected:
            key = (v.source, v.destination, v.port)
            if key not in seen:
                seen.add(key)
                out.append(f"<li>{e(clean(v.source))} &rarr; {e(clean(v.destination))} {v.port}/{e(v.protocol)}: "
                           f"{e(clean(via))}</li>")
        out.append("</ul>")
    pairs = fold_pairs(view.verdicts)
    out.append(f'<p class="muted">{len(pairs)} workload pairs, {len(view.verdicts)} port verdicts.</p>')
    out.append(f'<script type="application/json" id="reach-data">{_json_for_script(data)}</script>')
    out.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"
