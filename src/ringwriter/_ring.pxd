# The ring: one allocation of ``size`` bytes; ``count`` bytes pending from ``head`` on,
# in one segment or, when they wrap past the end, two. Only positions: whoever drives a
# ring keeps its own statistics and its own lock.
from libc.string cimport memcpy, memmove

from ringwriter._sysdep cimport iovec


cdef struct Ring:
    char *data
    Py_ssize_t size
    Py_ssize_t head
    Py_ssize_t count


cdef inline Py_ssize_t ring_free(const Ring *ring) noexcept nogil:
    """Bytes that fit, wrapping past the end."""
    return ring.size - ring.count


cdef inline Py_ssize_t ring_free_linear(const Ring *ring) noexcept nogil:
    """Bytes that fit after the pending ones without wrapping (a linear buffer's room)."""
    return ring.size - ring.head - ring.count


cdef inline void ring_append(Ring *ring, const char *data, Py_ssize_t n) noexcept nogil:
    """Copy ``n`` bytes (at most ``ring_free``) after the pending ones."""
    cdef Py_ssize_t tail = ring.head + ring.count
    cdef Py_ssize_t first
    if tail >= ring.size:
        tail -= ring.size
    first = ring.size - tail
    if n <= first:
        memcpy(ring.data + tail, data, n)
    else:
        memcpy(ring.data + tail, data, first)
        memcpy(ring.data, data + first, n - first)
    ring.count += n


cdef inline void ring_extend(Ring *ring, Py_ssize_t n) noexcept nogil:
    """Count ``n`` bytes the caller wrote at the tail itself (no wrap) as pending."""
    ring.count += n


cdef inline void ring_consume(Ring *ring, Py_ssize_t n) noexcept nogil:
    """Forget the first ``n`` pending bytes (they were written out)."""
    ring.count -= n
    if ring.count == 0:
        ring.head = 0
    else:
        ring.head += n
        if ring.head >= ring.size:
            ring.head -= ring.size


cdef inline void ring_compact(Ring *ring) noexcept nogil:
    """Move the pending bytes (one segment) to the start, as a linear buffer keeps them."""
    memmove(ring.data, ring.data + ring.head, ring.count)
    ring.head = 0


cdef inline int ring_iov_prefix(const Ring *ring, iovec *iov, Py_ssize_t n) noexcept nogil:
    """Point ``iov`` (room for two) at the first ``n`` pending bytes (at most ``count``):
    how many entries were used."""
    cdef Py_ssize_t first = ring.size - ring.head
    if n == 0:
        return 0
    iov[0].iov_base = ring.data + ring.head
    if n <= first:
        iov[0].iov_len = <size_t>n
        return 1
    iov[0].iov_len = <size_t>first
    iov[1].iov_base = ring.data
    iov[1].iov_len = <size_t>(n - first)
    return 2


cdef inline int ring_iov(const Ring *ring, iovec *iov) noexcept nogil:
    """Point ``iov`` (room for two) at the pending bytes: how many entries were used."""
    return ring_iov_prefix(ring, iov, ring.count)
