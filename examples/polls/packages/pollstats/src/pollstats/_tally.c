#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* winner(votes) -> index of the largest count, -1 for an empty list (first wins ties). */
static PyObject *winner(PyObject *self, PyObject *args) {
    PyObject *votes;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &votes)) return NULL;
    Py_ssize_t n = PyList_Size(votes), best = -1;
    long best_count = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        long count = PyLong_AsLong(PyList_GetItem(votes, i));
        if (count == -1 && PyErr_Occurred()) return NULL;
        if (count > best_count) { best_count = count; best = i; }
    }
    return PyLong_FromSsize_t(best);
}

/* share(votes, index) -> votes[index] / sum(votes), 0.0 when there are no votes. */
static PyObject *share(PyObject *self, PyObject *args) {
    PyObject *votes;
    Py_ssize_t index;
    if (!PyArg_ParseTuple(args, "O!n", &PyList_Type, &votes, &index)) return NULL;
    Py_ssize_t n = PyList_Size(votes);
    if (index < 0 || index >= n) { PyErr_SetString(PyExc_IndexError, "no such choice"); return NULL; }
    long total = 0;
    for (Py_ssize_t i = 0; i < n; i++) total += PyLong_AsLong(PyList_GetItem(votes, i));
    if (PyErr_Occurred()) return NULL;
    if (total == 0) return PyFloat_FromDouble(0.0);
    return PyFloat_FromDouble((double)PyLong_AsLong(PyList_GetItem(votes, index)) / (double)total);
}

static PyMethodDef methods[] = {
    {"winner", winner, METH_VARARGS, "Index of the choice with the most votes."},
    {"share", share, METH_VARARGS, "A choice's share of all votes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_tally", NULL, -1, methods};

PyMODINIT_FUNC PyInit__tally(void) { return PyModule_Create(&module); }
