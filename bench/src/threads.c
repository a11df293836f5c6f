/* Thread workload: THREADS threads each run the compute kernel (sieve + floating point) SCALE times on
 * private memory; the main thread joins them. usage: threads THREADS SCALE */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N (2L * 1000 * 1000)

struct work { long scale; long primes; double fp; };

static void *run(void *arg) {
    struct work *w = arg;
    unsigned char *buf = malloc(N + 1);
    for (long r = 0; r < w->scale; r++) {
        memset(buf, 1, N + 1);
        buf[0] = buf[1] = 0;
        for (long i = 2; i * i <= N; i++)
            if (buf[i])
                for (long j = i * i; j <= N; j += i)
                    buf[j] = 0;
        for (long i = 0; i <= N; i++)
            w->primes += buf[i];
        double x = 0.5;
        for (long i = 1; i <= 2L * 1000 * 1000; i++) {
            x = x * 3.7 * (1.0 - x);
            w->fp += x / (double) i + 1.0 / (x + (double) i);
        }
    }
    free(buf);
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    long scale = argc > 2 ? atol(argv[2]) : 1;
    pthread_t tid[64];
    struct work w[64];
    if (threads < 1 || threads > 64)
        return 2;
    for (int t = 0; t < threads; t++) {
        w[t] = (struct work) {scale, 0, 0.0};
        if (pthread_create(&tid[t], NULL, run, &w[t]) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    long primes = 0;
    double fp = 0.0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        primes += w[t].primes;
        fp += w[t].fp;
    }
    printf("%d threads: primes %ld fp %.6f\n", threads, primes, fp);
    return 0;
}
