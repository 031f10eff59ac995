"""``gluon.model_zoo``: predefined networks (``vision``) and the pretrained-file store
(``model_store``), as MXNet 1.9.1's.  Imported on first use of ``gluon.model_zoo``."""
from . import model_store  # noqa: F401
from . import vision  # noqa: F401
