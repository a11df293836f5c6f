/* CPU workload: an integer sieve of Eratosthenes and a floating-point loop, no system calls in between.
 * usage: compute SCALE [sieve|fp|both]
 * SCALE 1 = one sieve up to 4 M and/or 4 M floating-point iterations; time grows linearly with SCALE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *sieve_buf;

static long sieve(long n) {
    memset(sieve_buf, 1, (size_t) n + 1);
    sieve_buf[0] = sieve_buf[1] = 0;
    for (long i = 2; i * i <= n; i++)
        if (sieve_buf[i])
            for (long j = i * i; j <= n; j += i)
                sieve_buf[j] = 0;
    long count = 0;
    for (long i = 0; i <= n; i++)
        count += sieve_buf[i];
    return count;
}

static double fp(long iterations) {
    double x = 0.5, sum = 0.0;
    for (long i = 1; i <= iterations; i++) {
        x = x * 3.7 * (1.0 - x);            /* logistic map: stays in (0,1) */
        sum += x / (double) i + 1.0 / (x + (double) i);
    }
    return sum;
}

int main(int argc, char **argv) {
    long scale = argc > 1 ? atol(argv[1]) : 1;
    const char *what = argc > 2 ? argv[2] : "both";
    int do_sieve = strcmp(what, "fp") != 0, do_fp = strcmp(what, "sieve") != 0;
    long n = 4L * 1000 * 1000;
    sieve_buf = malloc((size_t) n + 1);
    long primes = 0;
    double s = 0.0;
    for (long r = 0; r < scale; r++) {
        if (do_sieve)
            primes += sieve(n);
        if (do_fp)
            s += fp(4L * 1000 * 1000);
    }
    printf("primes %ld fp %.6f\n", primes, s);
    return 0;
}
