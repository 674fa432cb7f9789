# nbdev 2's template setup.py, without `pkg_resources` (gone from current setuptools).
# Everything is read from settings.ini, so that file stays the one place to edit.
from configparser import ConfigParser
from pathlib import Path
import setuptools

here = Path(__file__).parent
config = ConfigParser(delimiters=['='])
config.read(here/'settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
lic = licenses[cfg['license']]

requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
scripts = [o.strip() for o in cfg.get('console_scripts', '').split('\n') if o.strip()]

setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    description=cfg['description'],
    long_description=(here/'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    author=cfg['author'], author_email=cfg['author_email'],
    license=lic[0], url=cfg['git_url'],
    keywords=cfg['keywords'].split(),
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'License :: ' + lic[1],
                 'Natural Language :: ' + cfg['language'].title(),
                 'Programming Language :: Python :: 3'],
    python_requires='>=' + cfg['min_python'],
    # The top-level `data/` folder (eval sets, the shipped base checkpoints) installs as `r1repro.data`,
    # so `pip install .` gives a package that finds its data from any directory.
    packages=['r1repro', 'r1repro.data'],
    package_dir={'r1repro': cfg['lib_path'], 'r1repro.data': 'data'},
    package_data={'r1repro.data': ['*.jsonl', '*.json', '*.md', 'checkpoints/*/*', 'results/*.json']},
    include_package_data=True,
    install_requires=requirements,
    extras_require={'dev': dev_requirements, 'bench': ['trl'], 'vllm': ['vllm']},
    entry_points={'console_scripts': scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    zip_safe=False,
)
