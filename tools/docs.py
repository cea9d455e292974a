"""Build the docs site without Quarto and check it as a reader meets it: `python tools/docs.py [--out _site] [--no-browser]`.

1. `nbdev_proc_nbs`: nbdev's own processing of every notebook (the first step of `nbdev_docs`) into `_proc/`.
2. Each processed notebook rendered to `OUT/<page>.html` by nbconvert, honouring the Quarto cell options nbdev writes
   (`include`, `echo`, `output`); links to notebooks become links to pages, headings get Quarto's (pandoc's) ids.
3. Checks: every link to a page, a repository file or an anchor resolves; no output is an error or a traceback;
   every public exported name has its entry on its module's page; then every page opened in headless Chromium
   (the OS package), which reports that it loaded and that each of its pictures decoded.
Prints a line per page (pictures, code cells shown, prose words, code lines shown, reading minutes) and exits 1 on
any problem. The GitHub workflow still publishes with Quarto (`nbdev_docs`)."""
import argparse, base64, json, re, shutil, subprocess, sys, tempfile, unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
NBS, PROC = ROOT/'nbs', ROOT/'_proc'
WPM, LPM = 200, 20                      # reading speed: prose words and lines of code shown, per minute

def pandoc_id(text:str) -> str:
    "The id pandoc (and so Quarto) gives a heading with `text`"
    s = unicodedata.normalize('NFKC', re.sub(r'<[^>]+>', '', text)).lower()
    s = re.sub(r'[^\w\s.-]', '', s)
    s = re.sub(r'\s+', '-', s.strip())
    s = re.sub(r'^[^a-z]+', '', s)
    return s or 'section'

def _options(src:str) -> dict:
    "Quarto cell options (`#| key: value`) at the top of a cell"
    opts = {}
    for l in src.splitlines():
        m = re.match(r'#\|\s*([\w-]+)\s*:\s*(.*)$', l)
        if m: opts[m[1]] = m[2].strip().lower()
        elif not l.startswith('#|'): break
    return opts

def _strip_options(src:str) -> str: return re.sub(r'\A(?:#\|.*\n?)+', '', src)

def page_name(nb:dict, path:Path) -> str:
    "The html file Quarto writes for processed notebook `nb`"
    front = ''.join(nb['cells'][0]['source']) if nb['cells'] and nb['cells'][0]['cell_type'] == 'raw' else ''
    m = re.search(r'^output-file:\s*(\S+)', front, re.M)
    return m[1] if m else path.stem + '.html'

def _front_matter(nb:dict) -> dict:
    if not nb['cells'] or nb['cells'][0]['cell_type'] != 'raw': return {}
    import yaml
    fm = yaml.safe_load(''.join(nb['cells'][0]['source']).strip().strip('-')) or {}
    return {k: str(v) for k, v in fm.items() if k in ('title', 'description')}

def prepare(nb:dict) -> dict:
    "The notebook as Quarto would show it: hidden cells dropped, options applied, the front matter as a title"
    fm, cells = _front_matter(nb), []
    if fm.get('title'):
        head = f"# {fm['title'].strip()}\n\n" + (f"> {' '.join(fm.get('description', '').split())}\n" if fm.get('description') else '')
        cells.append(dict(cell_type='markdown', metadata={}, source=head))
    for c in nb['cells']:
        if c['cell_type'] == 'raw': continue
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            cells.append(c)
            continue
        o = _options(src)
        if o.get('include') == 'false': continue
        c = dict(c, source='' if o.get('echo') == 'false' else _strip_options(src).strip('\n'))
        if not c['source']: c['metadata'] = dict(c.get('metadata', {}), transient={'remove_source': True})
        if o.get('output') == 'false': c['outputs'] = []
        for out in c.get('outputs', []):       # pandoc's link attributes in show_doc's markdown are for Quarto only
            md = out.get('data', {}).get('text/markdown')
            if md: out['data']['text/markdown'] = re.sub(r'\)\{target="_blank"[^}]*\}', ')', ''.join(md))
        if not c['source'] and not c.get('outputs'): continue
        cells.append(c)
    return dict(nb, cells=cells)

def reading(nb:dict) -> dict:
    "What a reader meets in prepared notebook `nb`: prose words, code lines shown, pictures, minutes at WPM/LPM"
    words = sum(len(re.sub(r'<[^>]+>|[#>*`]', ' ', ''.join(c['source'])).split()) for c in nb['cells'] if c['cell_type'] == 'markdown')
    code = [c for c in nb['cells'] if c['cell_type'] == 'code' and ''.join(c['source']).strip()]
    lines = sum(len(''.join(c['source']).splitlines()) for c in code)
    pics = sum(any(k.startswith('image/') for k in o.get('data', {})) for c in nb['cells'] for o in c.get('outputs', []))
    pics += sum(len(re.findall(r'!\[[^\]]*\]\(|<img\b', ''.join(c['source']))) for c in nb['cells'] if c['cell_type'] == 'markdown')
    return dict(words=words, code_cells=len(code), code_lines=lines, pictures=pics, minutes=words/WPM + lines/LPM)

CHECK_JS = """<script>
window.addEventListener('load', () => {
  const bad = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src').slice(0, 80));
  document.body.setAttribute('data-check', JSON.stringify({loaded: true, images: document.images.length, broken: bad}));
});
</script>"""

def render(nb:dict, pages:dict, nav:str='') -> str:
    "HTML for prepared notebook `nb`, its links to notebooks pointed at their pages"
    import nbformat
    from nbconvert import HTMLExporter
    for c in nb['cells']:
        if c['cell_type'] == 'markdown':
            src = ''.join(c['source'])
            c['source'] = re.sub(r'\]\(([\w.-]+)\.ipynb(#[^)]*)?\)', lambda m: f"]({pages.get(m[1], m[1] + '.html')}{m[2] or ''})", src)
    body, _ = HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nbformat.reads(json.dumps(nb), as_version=4))
    body = re.sub(r'href="([\w.-]+)\.ipynb(#[^"]*)?"', lambda m: f'href="{pages.get(m[1], m[1] + ".html")}{m[2] or ""}"', body)
    # headings: Quarto's ids instead of nbconvert's, so anchors are checked as the published site resolves them
    def _hid(m):
        inner = re.sub(r'<a class="anchor-link".*?</a>', '', m[3])
        attrs = re.sub(r' id="[^"]*"', '', m[2])
        return f'<h{m[1]}{attrs} id="{pandoc_id(inner)}">{inner}</h{m[1]}>'
    body = re.sub(r'<h([1-6])([^>]*)>(.*?)</h\1>', _hid, body, flags=re.S)
    body = re.sub(r'(<body[^>]*>)', lambda m: m[1] + nav, body, count=1)
    return body.replace('</body>', CHECK_JS + '\n</body>')

def sidebar(pages:dict, probs) -> str:
    "The reading order of `nbs/sidebar.yml` as a nav for every page; every notebook listed once, and only those"
    import yaml
    items = yaml.safe_load((NBS/'sidebar.yml').read_text())['website']['sidebar']['contents']
    listed, secs, html = [], {}, ['<nav style="font-size:smaller;padding:0.5em 2em;border-bottom:1px solid #ccc">']
    for it in items:
        sec, nbs = (it['section'], it['contents']) if isinstance(it, dict) else (None, [it])
        links = secs.setdefault(sec or 'Start', [])
        for nb in nbs:
            stem = Path(nb).stem
            listed.append(stem)
            if stem not in pages: probs.add('sidebar.yml', f'lists {nb}, which is not a notebook')
            links.append(stem)
        a = [f'<a href="{pages.get(n, n + ".html")}">{n}</a>' for n in links]
        html.append(f'<div>{"<b>" + sec + ":</b> " if sec else ""}{" · ".join(a)}</div>')
    for stem in pages:
        if listed.count(stem) != 1: probs.add('sidebar.yml', f'lists {stem} {listed.count(stem)} times (once, please)')
    return '\n'.join(html + ['</nav>']), secs

class Problems(list):
    def add(self, page, msg): self.append(f'{page}: {msg}')

def check_links(site:Path, html:dict, probs:Problems):
    "Every relative link and anchor in the site resolves (a page, an anchor on it, or a file of the repository)"
    ids = {p: set(re.findall(r'\sid="([^"]+)"', h)) for p, h in html.items()}
    for p, h in html.items():
        for href in re.findall(r'<a\s[^>]*href="([^"]+)"', h):
            u = urlparse(href)
            if u.scheme in ('http', 'https', 'mailto', 'data'):
                if re.match(r'https://github\.com/nanomm/nanomm/(?:blob|tree)/main/(.+)', href):
                    f = re.match(r'https://github\.com/nanomm/nanomm/(?:blob|tree)/main/([^#?]+)', href)[1]
                    if not (ROOT/unquote(f)).exists(): probs.add(p, f'link to a repository file that does not exist: {href}')
                continue
            target = unquote(u.path) if u.path else p
            frag = unquote(u.fragment)
            if target in html:
                if frag and frag not in ids[target]: probs.add(p, f'link to a missing anchor: {href}')
            elif not ((site/target).exists() or (NBS/target).resolve().exists()):
                probs.add(p, f'broken link: {href}')

def check_imports(nb_path:Path, probs:Problems):
    "No cell outside the exported ones mixes imports with other code (the docs build runs every cell holding an import)"
    import ast
    for i, c in enumerate(json.loads(nb_path.read_text())['cells']):
        src = ''.join(c['source'])
        if c['cell_type'] != 'code' or 'nbdev_export()' in src: continue
        if re.search(r'^#\|\s*(export|exports|exporti|exec_doc)\b', src, re.M): continue
        try: tree = ast.parse(re.sub(r'^\s*[!%].*$', '', src, flags=re.M))
        except SyntaxError: continue
        imps = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        if imps and (len(imps) < len(tree.body) or any(n not in tree.body for n in imps)):
            probs.add(nb_path.name, f'cell {i} mixes imports with other code (put them in a cell of their own): {src[:50]!r}')

def check_outputs(p:str, nb:dict, probs:Problems):
    "No error output and no traceback on the page"
    for c in nb['cells']:
        for o in c.get('outputs', []):
            text = ''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/plain', ''))
            if o.get('output_type') == 'error' or 'Traceback (most recent call last)' in text:
                probs.add(p, f'an error or traceback in the output of: {"".join(c["source"])[:60]!r}')

def check_entries(html:dict, probs:Problems):
    "Every public name nbdev indexed has its entry (an anchor) on its page"
    from nanomm._modidx import d
    for mod, syms in d['syms'].items():
        for name, (url, _) in syms.items():
            short = name[len(mod) + 1:]
            if '.' in short or short.startswith('_'): continue      # methods are documented in their class's entry
            page, anchor = url.split('#')
            if page not in html: probs.add(page, f'no page for {name}')
            elif f'id="{anchor}"' not in html[page] and f"id='{anchor}'" not in html[page]:
                probs.add(page, f'no entry for {short}')

def browser() -> str|None:
    for b in ('chromium', 'chromium-browser', 'google-chrome'):
        if shutil.which(b): return shutil.which(b)

def check_browser(site:Path, html:dict, probs:Problems, shots:Path=None) -> dict:
    "Open every page in headless Chromium; return {page: images decoded}"
    exe, seen = browser(), {}
    flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--allow-file-access-from-files']
    with tempfile.TemporaryDirectory() as prof:
        for p in html:
            url = (site/p).as_uri()
            r = subprocess.run([exe, *flags, f'--user-data-dir={prof}', '--virtual-time-budget=10000', '--dump-dom', url],
                               capture_output=True, text=True, timeout=120)
            m = re.search(r'data-check="([^"]*)"', r.stdout)
            if not m: probs.add(p, f'did not load in Chromium: {r.stderr.strip().splitlines()[-1:] }'); continue
            res = json.loads(m[1].replace('&quot;', '"'))
            if res['broken']: probs.add(p, f'pictures that do not show: {res["broken"]}')
            seen[p] = res['images'] - len(res['broken'])
            if shots:
                subprocess.run([exe, *flags, f'--user-data-dir={prof}', '--window-size=1100,1400', '--hide-scrollbars',
                                f'--screenshot={shots/(Path(p).stem + ".png")}', url], capture_output=True, timeout=120)
    return seen

def raw_reading(path:Path) -> dict:
    "`reading` for a notebook in nbs/ before nbdev processes it (hidden and exported cells dropped), for quick checks"
    nb = json.loads(Path(path).read_text())
    keep = []
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code':
            d = _flags(src)
            if d & {'hide', 'export', 'exporti', 'default_exp'} or _options(src).get('include') == 'false': continue
            if 'nbdev_export()' in src: continue
            if _options(src).get('echo') == 'false': src = ''
            c = dict(c, source=_strip_options(src))
        keep.append(c)
    return reading(dict(nb, cells=keep))

def _flags(src:str) -> set: return {l[2:].split()[0] for l in src.splitlines() if l.startswith('#|') and l[2:].split()}

def proc():
    "`nbdev_proc_nbs` (nbdev's processing for the docs), without its attempt to install Quarto"
    import nbdev.quarto
    from fastcore.xtras import working_directory
    nbdev.quarto._ensure_quarto = lambda: None
    shutil.rmtree(PROC, ignore_errors=True)        # its cache misses a notebook saved while it ran: start afresh
    with working_directory(ROOT): nbdev.quarto.nbdev_proc_nbs.__wrapped__()

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=str(ROOT/'_site'), help='where the pages go')
    ap.add_argument('--no-proc', action='store_true', help='use _proc/ as it is (skip nbdev_proc_nbs)')
    ap.add_argument('--no-browser', action='store_true', help='skip the Chromium check')
    ap.add_argument('--screenshots', help='a folder for one screenshot per page')
    ap.add_argument('--json', help='write the per-page figures to this file')
    ap.add_argument('--reading', nargs='+', metavar='NB', help='only print what a reader meets in these notebooks (no build)')
    a = ap.parse_args(argv)
    if a.reading:
        for p in a.reading:
            s = raw_reading(p)
            print(f"{Path(p).name:28s} pictures {s['pictures']:2d}  words {s['words']:5d}  code lines shown {s['code_lines']:4d}  {s['minutes']:5.1f} min")
        return
    probs = Problems()
    for p in sorted(NBS.glob('*.ipynb')): check_imports(p, probs)
    if probs: sys.exit('\n'.join(probs))
    if not a.no_proc: proc()
    site = Path(a.out)
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    if (NBS/'images').exists(): shutil.copytree(NBS/'images', site/'images')
    nbs = {p: json.loads(p.read_text()) for p in sorted(PROC.glob('*.ipynb'))}
    pages = {p.stem: page_name(nb, p) for p, nb in nbs.items()}
    html, stats = {}, {}
    nav, sections = sidebar(pages, probs)
    for p, nb in nbs.items():
        name = pages[p.stem]
        nb = prepare(nb)
        stats[name] = dict(notebook=p.name, **reading(nb))
        check_outputs(name, nb, probs)
        html[name] = render(nb, pages, nav)
        (site/name).write_text(html[name])
    check_links(site, html, probs)
    check_entries(html, probs)
    if not a.no_browser:
        if not browser(): sys.exit('no Chromium found: install the OS package (apt-get install chromium) or pass --no-browser')
        shots = Path(a.screenshots) if a.screenshots else None
        if shots: shots.mkdir(parents=True, exist_ok=True)
        for p, n in check_browser(site, html, probs, shots).items(): stats[p]['shown'] = n
    for p, s in stats.items():
        print(f"{s['notebook']:28s} {p:26s} pictures {s['pictures']:2d}  code cells {s['code_cells']:3d}  "
              f"words {s['words']:5d}  code lines {s['code_lines']:4d}  {s['minutes']:5.0f} min")
    print(f"{len(stats)} pages, {sum(s['pictures'] for s in stats.values())} pictures, "
          f"{sum(s['minutes'] for s in stats.values())/60:.1f} hours to read ({WPM} words, {LPM} lines of code a minute)")
    by_nb = {s['notebook'][:-6]: s for s in stats.values()}
    for sec, stems in sections.items():
        print(f"{sec}: {sum(by_nb[n]['minutes'] for n in stems if n in by_nb):.0f} min, "
              f"{sum(by_nb[n]['pictures'] for n in stems if n in by_nb)} pictures")
    if a.json: Path(a.json).write_text(json.dumps(stats, indent=1))
    for l in probs: print('PROBLEM', l)
    if probs: sys.exit(f'{len(probs)} problems in the site')

if __name__ == '__main__': main()
