/* A fixed libc PRNG seed for redis-server, so that what it draws with rand() (LOLWUT's
 * drawings) can be recorded and replayed through the spec (issue 22, spec/commands/lolwut.py).
 *
 * Redis 7.0.15 seeds glibc's generator at start with srand(time ^ pid ^ usec) and
 * srandom(...); in glibc both seed the same state, so both are overridden here and seeded
 * from $LOLWUT_SEED (default 1). Nothing draws on rand() before the first command, so a fresh
 * server's state is glibc's srand(seed): the spec started with
 * replace(state, libc_rand=glibc_srand(seed)) replays its LOLWUT replies byte for byte
 * (checked for VERSION 5 and 6, default and maximum sizes, several commands in a row).
 *
 *   gcc -shared -fPIC -o /tmp/libc_seed_shim.so tools/libc_seed_shim.c -ldl
 *   LD_PRELOAD=/tmp/libc_seed_shim.so LOLWUT_SEED=1 redis-server --port 24415 ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

static unsigned seed(void) {
    const char *s = getenv("LOLWUT_SEED");
    return s ? (unsigned)strtoul(s, 0, 10) : 1u;
}

void srand(unsigned x) {
    (void)x;
    void (*f)(unsigned) = (void (*)(unsigned))dlsym(RTLD_NEXT, "srand");
    f(seed());
}

void srandom(unsigned x) {
    (void)x;
    void (*f)(unsigned) = (void (*)(unsigned))dlsym(RTLD_NEXT, "srandom");
    f(seed());
}
