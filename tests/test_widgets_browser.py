"""End to end in a real browser: JupyterLab runs the stepper tutorial (`nbs/31_tutorial_grpo_step.ipynb`, which drives
`r1repro.stepper.GRPOStepper` of `nbs/21_stepper.ipynb`), headless Chromium presses *Step*, and the completions, the
per-token loss view and the history plot render. Follows the project's browser-test notes: Debian's `chromium` driven by
Playwright's Python package through `executable_path` (never `playwright install`), a scratch HOME for server and
browser, readiness read from the status bar, every process we start stopped by its own id."""
import importlib.util, json, os, secrets, shutil, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / 'nbs' / '31_tutorial_grpo_step.ipynb'
SCREENSHOT = ROOT / 'docs' / 'stepper.png'  # the README's picture; refreshed with R1REPRO_UPDATE_SCREENSHOT=1
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run', '--disable-quic']


def browser_or_skip() -> str:
    "The chromium executable; a missing browser or Playwright skips the test locally and fails it on CI."
    exe = shutil.which('chromium') or shutil.which('chromium-browser')
    playwright_ok = importlib.util.find_spec('playwright') is not None
    missing = [name for name, ok in (('chromium (apt-get install -y chromium)', exe), ('playwright (pip install playwright)', playwright_ok)) if not ok]
    if missing:
        why = f'the browser test needs {" and ".join(missing)}'
        if os.environ.get('CI'): pytest.fail(why + '; on CI .ci/run installs them')
        pytest.skip(why)
    return exe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def api(port: int, token: str, path: str, method: str = 'GET'):
    req = urllib.request.Request(f'http://127.0.0.1:{port}{path}?token={token}', method=method)
    with urllib.request.urlopen(req, timeout=5) as r: return json.loads(r.read() or b'null')


def start_lab(tmp_path: Path, port: int, token: str) -> subprocess.Popen:
    "JupyterLab on localhost serving a copy of the tutorial, with a scratch HOME and the news pop-up turned off."
    home, work = tmp_path / 'home', tmp_path / 'work'
    settings = home / '.jupyter' / 'lab' / 'user-settings' / '@jupyterlab' / 'apputils-extension'
    settings.mkdir(parents=True)
    (settings / 'notification.jupyterlab-settings').write_text(json.dumps({'fetchNews': 'false', 'checkForUpdates': False}))
    work.mkdir()
    nb = json.loads(NOTEBOOK.read_text())  # the committed notebook carries no kernelspec (nbdev_clean): name one
    nb['metadata']['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3 (ipykernel)', 'language': 'python'}
    for cell in nb['cells']:
        if cell['cell_type'] == 'code': cell['outputs'], cell['execution_count'] = [], None  # only what this run makes
    (work / NOTEBOOK.name).write_text(json.dumps(nb))
    env = {**os.environ, 'HOME': str(home), 'JUPYTER_CONFIG_DIR': str(home / '.jupyter'),
           'JUPYTER_DATA_DIR': str(home / '.local' / 'share' / 'jupyter'), 'JUPYTER_RUNTIME_DIR': str(home / 'runtime'),
           'IPYTHONDIR': str(home / '.ipython'), 'MPLCONFIGDIR': str(home / '.mpl'),
           'IN_TEST': '1', 'OMP_NUM_THREADS': '1', 'TOKENIZERS_PARALLELISM': 'false'}  # IN_TEST: the tutorial's small size
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--ip=127.0.0.1', f'--port={port}', '--ServerApp.port_retries=0',
           f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={work}', '--LabApp.expose_app_in_browser=True',
           '--allow-root']
    log = open(tmp_path / 'jupyterlab.log', 'w')
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None: break
        try:
            api(port, token, '/api/status')
            return proc
        except OSError: time.sleep(0.3)
    stop_lab(proc, port, token)
    raise RuntimeError(f'JupyterLab did not start; its log:\n{(tmp_path / "jupyterlab.log").read_text()[-3000:]}')


def stop_lab(proc: subprocess.Popen, port: int, token: str) -> None:
    "Shut the kernels down through the API, then the server; its own process group if it lingers."
    try:
        for k in api(port, token, '/api/kernels'): api(port, token, f'/api/kernels/{k["id"]}', 'DELETE')
    except OSError: pass
    proc.terminate()
    try: proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this test created: the server and its kernels
        proc.wait(5)


def test_stepper_in_jupyterlab(tmp_path):
    chromium = browser_or_skip()
    from playwright.sync_api import expect, sync_playwright
    port, token = free_port(), secrets.token_hex(16)
    t0 = time.time()
    lab = start_lab(tmp_path, port, token)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
                                         env={**os.environ, 'HOME': str(tmp_path / 'home')})
            try:
                page = browser.new_page(viewport={'width': 1300, 'height': 2300})  # tall: the whole stepper in view
                page.goto(f'http://127.0.0.1:{port}/lab/tree/{NOTEBOOK.name}?token={token}')
                # The execution indicator says "idle" before the kernel exists; the status bar text does not.
                idle = page.locator('.jp-StatusBar-TextItem', has_text='Python 3 (ipykernel) | Idle').first
                idle.wait_for(timeout=60_000)
                page.evaluate("() => { window.jupyterapp.commands.execute('runmenu:run-all'); }")  # not awaited
                stepper = page.locator('.r1-stepper').first
                status = stepper.locator('.r1-status')
                # Under IN_TEST the tutorial takes 3 iterations (1 by hand, 2 with step()).
                expect(status).to_contain_text('Iteration 3 done', timeout=60_000)
                idle.wait_for(timeout=60_000)

                stepper.locator('button.r1-step').click()
                expect(status).to_contain_text('Iteration 4 done', timeout=60_000)
                idle.wait_for(timeout=30_000)
                expect(status).to_have_css('color', 'rgb(51, 51, 51)')  # the ordinary colour, not an error's red

                rows = stepper.locator('.r1-completion-table tr')
                expect(rows).to_have_count(2 * (1 + 4))  # B=2 prompts: a header and G=4 completions each
                texts = [t.strip() for t in stepper.locator('.r1-completion-table tr td:nth-child(2)').all_inner_texts()]
                assert len(texts) == 8 and any(texts), texts
                assert 'What is' in stepper.locator('.r1-completions').inner_text()  # the prompts are shown
                plot = stepper.locator('.r1-history img[src^="data:image/png"]')
                expect(plot).to_be_visible()
                assert plot.evaluate('img => img.complete && img.naturalWidth > 100 && img.naturalHeight > 50')
                expect(stepper.locator('.r1-token-table')).to_be_visible()  # the Loss phase's per-token view

                shot = tmp_path / 'stepper.png'
                stepper.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000
                if os.environ.get('R1REPRO_UPDATE_SCREENSHOT') == '1':
                    SCREENSHOT.parent.mkdir(exist_ok=True)
                    shutil.copy(shot, SCREENSHOT)
            except Exception:  # keep what the browser saw, for whoever reads the failure
                page.screenshot(path=str(tmp_path / 'failure.png'), full_page=True)
                (tmp_path / 'failure.txt').write_text(page.locator('.jp-Notebook').inner_text())
                raise
            finally:
                browser.close()
    finally:
        stop_lab(lab, port, token)
    print(f'browser test took {time.time() - t0:.1f} s')
