"""Hypothesis profiles: 'ci' (chosen when the CI environment variable is set, as in .ci/run)
draws the same examples on every run, so a CI result does not depend on luck; 'dev' (the
default) draws new ones each run, which is how new failures are found.  Pick one with
``HYPOTHESIS_PROFILE=dev|ci``.

``autograd.compile`` compiles a new path before its first call returns here
(``AUTODIFF_COMPILE_BACKGROUND=0``): the tests expect the second call to run compiled.
``tests/compile/test_tiers.py`` runs the background tier (the default) itself."""
import os

from hypothesis import settings

settings.register_profile('ci', derandomize=True, print_blob=True)
settings.register_profile('dev')
settings.load_profile(os.environ.get('HYPOTHESIS_PROFILE') or ('ci' if os.environ.get('CI') else 'dev'))

os.environ.setdefault('AUTODIFF_COMPILE_BACKGROUND', '0')
