# What _sysdep.h gives the Cython modules.
from cpython.object cimport PyObject

cdef extern from "_sysdep.h":
    int RINGWRITER_FD_PATH
    int EWOULDBLOCK
    int RINGWRITER_SEEK_HOLE
    int RINGWRITER_SEEK_DATA
    struct iovec:
        void *iov_base
        size_t iov_len
    Py_ssize_t ringwriter_writev(int fd, const iovec *iov, int n) nogil
    long long ringwriter_tell(int fd)
    int RINGWRITER_FD_UNASKED
    int RINGWRITER_FD_OTHER
    int RINGWRITER_FD_REGULAR
    int RINGWRITER_FD_FIFO
    int ringwriter_fd_kind(int fd)
    # A borrowed pointer: as an object argument Cython would take a reference per read.
    int RINGWRITER_FILEIO_FD(PyObject *fileio)
    bint instance_sets "ringwriter_instance_sets"(object obj, object name)
    void drop_empty_dict "ringwriter_drop_empty_dict"(object obj)
    int raise_errno "ringwriter_raise_errno"(int err) except -1
    int get_errno "ringwriter_get_errno"()
    void set_errno "ringwriter_set_errno"(int err)
    void write_finalizer_unraisable "ringwriter_write_finalizer_unraisable"(object exc, object obj)
