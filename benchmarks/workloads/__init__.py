"""One module per workload. W1-W3 run in this process (``IMPLS``: name -> setup(data) -> step);
W4 and W5 run children (``w4_child.py``, ``w5_child.py``) and define their own ``run``."""
