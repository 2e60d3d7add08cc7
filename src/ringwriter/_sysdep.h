/* The C the writers need beyond what Cython declares: system calls, CPython internals
   read directly, and error reporting as the stdlib's io module does it. Kept here, beside
   the .pyx files, as msgpack keeps sysdep.h beside _cmsgpack.pyx. */
#ifndef RINGWRITER_SYSDEP_H
#define RINGWRITER_SYSDEP_H

#include <Python.h>
#include <errno.h>

#if defined(_WIN32)
/* No writev(2): the fd path is compiled out and every raw takes the portable path. */
#define RINGWRITER_FD_PATH 0
struct iovec { void *iov_base; size_t iov_len; };
static long long ringwriter_tell(int fd) { (void)fd; errno = ENOSYS; return -1; }
static Py_ssize_t ringwriter_writev(int fd, const struct iovec *iov, int n) {
    (void)fd; (void)iov; (void)n; errno = ENOSYS; return -1;
}
#else
#include <sys/uio.h>
#include <unistd.h>
#define RINGWRITER_FD_PATH 1
/* One segment goes out with write(2), as the stdlib's FileIO sends it: the kernel's
   writev(2) first copies in and checks the iovec array, some 50 ns a call here. */
static Py_ssize_t ringwriter_writev(int fd, const struct iovec *iov, int n) {
    if (n == 1) return (Py_ssize_t)write(fd, iov[0].iov_base, iov[0].iov_len);
    return (Py_ssize_t)writev(fd, iov, n);
}
static long long ringwriter_tell(int fd) { return (long long)lseek(fd, 0, SEEK_CUR); }
#endif

/* What fstat(2) says a descriptor is: RINGWRITER_FD_REGULAR (a regular file, where each
   write(2) with O_APPEND lands whole), RINGWRITER_FD_FIFO (a pipe or FIFO),
   RINGWRITER_FD_OTHER (a socket, a tty, a device), or -1 with errno set. Read in C so
   that a test mocking os.fstat does not change what the writer is. */
#define RINGWRITER_FD_UNASKED (-2)  /* not yet asked: the writers ask when first needed */
#define RINGWRITER_FD_OTHER 0
#define RINGWRITER_FD_REGULAR 1
#define RINGWRITER_FD_FIFO 2
#include <sys/stat.h>
#if defined(_WIN32)
static int ringwriter_fd_kind(int fd) {
    struct _stat64 st;
    if (_fstat64(fd, &st) != 0) return -1;
    if ((st.st_mode & _S_IFMT) == _S_IFREG) return RINGWRITER_FD_REGULAR;
    if ((st.st_mode & _S_IFMT) == _S_IFIFO) return RINGWRITER_FD_FIFO;
    return RINGWRITER_FD_OTHER;
}
#else
static int ringwriter_fd_kind(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return -1;
    if (S_ISREG(st.st_mode)) return RINGWRITER_FD_REGULAR;
    if (S_ISFIFO(st.st_mode)) return RINGWRITER_FD_FIFO;
    return RINGWRITER_FD_OTHER;
}
#endif

#ifndef EWOULDBLOCK
#define EWOULDBLOCK EAGAIN
#endif
#ifdef SEEK_HOLE
#define RINGWRITER_SEEK_HOLE SEEK_HOLE
#else
#define RINGWRITER_SEEK_HOLE (-1)
#endif
#ifdef SEEK_DATA
#define RINGWRITER_SEEK_DATA SEEK_DATA
#else
#define RINGWRITER_SEEK_DATA (-1)
#endif

/* _io.FileIO's object starts with its descriptor (fileio.c, 3.10 to 3.14); it is -1
   once the FileIO is closed. Reading it on every call, rather than caching the
   number, is what keeps a closed-and-reused descriptor from ever being written. */
typedef struct { PyObject_HEAD int fd; } ringwriter_fileio_head;
#define RINGWRITER_FILEIO_FD(o) (((ringwriter_fileio_head *)(o))->fd)

/* Whether ``obj``'s own __dict__ sets ``name`` (a method replaced on the instance), for
   a type whose instances keep their dict at a fixed offset (Cython's ``cdef dict
   __dict__``); any other layout answers yes, so the caller looks the method up. */
static int ringwriter_instance_sets(PyObject *obj, PyObject *name) {
    Py_ssize_t offset = Py_TYPE(obj)->tp_dictoffset;
    PyObject *dict;
    if (offset <= 0) return 1;
    dict = *(PyObject **)((char *)obj + offset);
    if (dict == NULL) return 0;
    if (PyDict_GetItemWithError(dict, name) != NULL) return 1;
    if (PyErr_Occurred()) { PyErr_Clear(); return 1; }
    return 0;
}

/* Cython's tp_new gives each instance of a class with ``cdef dict __dict__`` an empty
   dict, where CPython's own types make it when an attribute is first set. Dropping it
   while it is empty spares each object the dict, and each lookup of a method on it a
   probe of that dict (print() looks ``write`` up on every call), except on 3.11: its
   LOAD_METHOD specialises for an instance whose dict is at an offset only when there is
   a dict (from 3.12 LOAD_ATTR_METHOD_LAZY_DICT takes the instance without one), and
   ``f.write(s)`` in a loop matters more than print's lookup. CPython makes the dict
   again on first use. */
static void ringwriter_drop_empty_dict(PyObject *obj) {
#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
    Py_ssize_t offset = Py_TYPE(obj)->tp_dictoffset;
    PyObject **dictptr;
    if (offset <= 0) return;
    dictptr = (PyObject **)((char *)obj + offset);
    if (*dictptr != NULL && PyDict_CheckExact(*dictptr) && PyDict_GET_SIZE(*dictptr) == 0) Py_CLEAR(*dictptr);
#else
    (void)obj;
#endif
}

/* Cython would make a local of an ``errno`` assigned in a function. */
static int ringwriter_get_errno(void) { return errno; }
static void ringwriter_set_errno(int err) { errno = err; }

/* OSError (or its errno subclass, e.g. BrokenPipeError) exactly as FileIO.write
   raises it. */
static int ringwriter_raise_errno(int err) {
    errno = err;
    PyErr_SetFromErrno(PyExc_OSError);
    return -1;
}

/* Report ``exc``, raised while finalizing ``obj``, through sys.unraisablehook as the
   stdlib's iobase_finalize does: with ``obj`` as the object up to 3.13, with a
   message naming it (and no object) from 3.14 on. */
static void ringwriter_write_finalizer_unraisable(PyObject *exc, PyObject *obj) {
    Py_INCREF(Py_TYPE(exc));
    Py_INCREF(exc);
    PyErr_Restore((PyObject *)Py_TYPE(exc), exc, PyException_GetTraceback(exc));
#if PY_VERSION_HEX >= 0x030E0000
    PyErr_FormatUnraisable("Exception ignored while finalizing file %R", obj);
#else
    PyErr_WriteUnraisable(obj);
#endif
}

#endif /* RINGWRITER_SYSDEP_H */
