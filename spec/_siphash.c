/* SipHash-1-2 with a 64-bit result, as Redis's dict hashes keys (siphash.c, c=1, d=2).
 *
 * An optional accelerator for redspec.spec.dict.siphash: same arguments, same result (the
 * property test_c_siphash_agrees in properties/test_dict_machine.py checks it against the
 * Python definition). Built when a C compiler is present; the pure-Python function is used
 * otherwise. It holds no state: a pure function of its arguments. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                   \
    do {                                                           \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);  \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                     \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                     \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);  \
    } while (0)

static uint64_t load_le64(const unsigned char *p) {
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = (x << 8) | p[i];
    return x;
}

/* siphash12(data: bytes, words: tuple[int, int, int, int]) -> int
 * ``words`` are the four initial state words (the key already folded in). */
static PyObject *siphash12(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 2 || !PyBytes_Check(args[0]) || !PyTuple_Check(args[1]) ||
        PyTuple_GET_SIZE(args[1]) != 4) {
        PyErr_SetString(PyExc_TypeError, "siphash12(data: bytes, words: 4-tuple of int)");
        return NULL;
    }
    uint64_t w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(args[1], i));
        if (w[i] == (uint64_t)-1 && PyErr_Occurred()) return NULL;
    }
    uint64_t v0 = w[0], v1 = w[1], v2 = w[2], v3 = w[3];
    const unsigned char *in = (const unsigned char *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    Py_ssize_t end = n - (n & 7);
    for (Py_ssize_t i = 0; i < end; i += 8) {
        uint64_t m = load_le64(in + i);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = ((uint64_t)n) << 56;
    for (Py_ssize_t i = n & 7; i > 0; i--) b |= ((uint64_t)in[end + i - 1]) << (8 * (i - 1));
    v3 ^= b;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    return PyLong_FromUnsignedLongLong(v0 ^ v1 ^ v2 ^ v3);
}

static PyMethodDef methods[] = {
    {"siphash12", (PyCFunction)(void (*)(void))siphash12, METH_FASTCALL,
     "SipHash-1-2 of data from the four initial state words (Redis's dict hash)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_siphash", NULL, -1, methods};

PyMODINIT_FUNC PyInit__siphash(void) { return PyModule_Create(&module); }
