# The compiled factory, for the compiled logger (ringwriter._logger): the record that
# make_log_record(...) returns, without a Python call.
cdef object make_record(object name, object level, object pathname, object lineno, object msg,
                        object args, object exc_info, object func, object sinfo)
