"""Log records made in C: ``logging.setLogRecordFactory(ringwriter.records.make_log_record)``.

``make_log_record`` makes exactly the ``logging.LogRecord`` that the stdlib's default
factory makes from the same arguments (the same type, attributes in the same order,
values and pickle), reading logging's switches and calling ``time``, ``os``,
``threading`` and ``asyncio`` through their modules at each call as the stdlib does;
what ``LogRecord.__init__`` computes in Python, it computes in C. Importing this module
imports logging; ``import ringwriter`` does not.
"""
from ringwriter._record_factory import make_log_record

__all__ = ["make_log_record"]
