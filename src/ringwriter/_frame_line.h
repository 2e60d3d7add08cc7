/* The line a frame is at, as PyFrame_GetLineNumber tells it, remembered per
   (code object, instruction offset).

   PyFrame_GetLineNumber scans the code object's line table from its start each time
   (PyCode_Addr2Line), which costs thousands of instructions for a call site deep in a
   long function or module: more than the rest of a compiled log call. The line of an
   instruction of a code object never changes, so it is computed once per call site.
   The cache is bypassed where PyFrame_GetLineNumber returns the number stored in the
   frame instead: a nonzero f_lineno, set while a tracer runs on the frame (and by a
   tracer's jump). */
#ifndef RINGWRITER_FRAME_LINE_H
#define RINGWRITER_FRAME_LINE_H

#include <Python.h>
#include <frameobject.h>
#include <stdint.h>

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030F0000
/* The first fields of struct _frame, the same from 3.11 to 3.14
   (Include/internal/pycore_frame.h). */
typedef struct {
    PyObject_HEAD
    void *f_back;
    void *f_frame;
    PyObject *f_trace;
    int f_lineno;
} ringwriter_frame_head;
#define RINGWRITER_LINE_IS_STORED(f) (((ringwriter_frame_head *)(f))->f_lineno != 0)
#define RINGWRITER_KNOWS_FRAMES 1
#elif PY_VERSION_HEX < 0x030B0000
#define RINGWRITER_LINE_IS_STORED(f) ((f)->f_lineno != 0)
#define RINGWRITER_KNOWS_FRAMES 1
#else
#define RINGWRITER_KNOWS_FRAMES 0
#endif

#define RINGWRITER_LINE_SLOTS 256

typedef struct {
    PyObject *code;  /* a strong reference: the address stays this code object's */
    int offset;
    int line;
} ringwriter_line_slot;

static ringwriter_line_slot ringwriter_lines[RINGWRITER_LINE_SLOTS];

static int ringwriter_frame_line(PyFrameObject *frame) {
#if RINGWRITER_KNOWS_FRAMES
    if (RINGWRITER_LINE_IS_STORED(frame)) {
        return PyFrame_GetLineNumber(frame);
    }
#if PY_VERSION_HEX < 0x030B0000
    int offset = frame->f_lasti;
    PyObject *code = (PyObject *)frame->f_code;
#else
    int offset = PyFrame_GetLasti(frame);
    PyCodeObject *owned = PyFrame_GetCode(frame);
    PyObject *code = (PyObject *)owned;
    Py_DECREF(owned);  /* the frame holds it */
#endif
    if (offset < 0) {
        return PyFrame_GetLineNumber(frame);
    }
    ringwriter_line_slot *slot =
        &ringwriter_lines[(((uintptr_t)code >> 4) ^ (uintptr_t)offset) % RINGWRITER_LINE_SLOTS];
    if (slot->code == code && slot->offset == offset) {
        return slot->line;
    }
    int line = PyFrame_GetLineNumber(frame);
    Py_INCREF(code);
    Py_XSETREF(slot->code, code);
    slot->offset = offset;
    slot->line = line;
    return line;
#else
    return PyFrame_GetLineNumber(frame);
#endif
}

#endif
