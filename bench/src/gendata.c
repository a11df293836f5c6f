/* Writes SIZE bytes of deterministic pseudo-text (words of a made-up language with a skewed word
 * frequency, in lines): compresses about like real text, so gzip does real matching work.
 * usage: gendata SIZE_BYTES > FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long state = 0x9e3779b97f4a7c15ULL;

static unsigned long long next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(int argc, char **argv) {
    long long size = argc > 1 ? atoll(argv[1]) : 1 << 20;
    static const char *syl[] = {"ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zu", "pri", "sto", "an",
                                "el", "or", "qua", "ber", "din", "gal", "hum", "jex"};
    enum { WORDS = 4096 };
    static char vocab[WORDS][24];
    for (int w = 0; w < WORDS; w++) {
        int n = 1 + (int) (next() % 4);
        vocab[w][0] = 0;
        for (int s = 0; s < n; s++)
            strcat(vocab[w], syl[next() % 20]);
    }
    static char buf[1 << 16];
    size_t used = 0;
    long long written = 0;
    int col = 0;
    while (written < size) {
        /* skewed: small indices are much more frequent */
        unsigned long long r = next();
        int w = (int) ((r % WORDS) * ((r >> 32) % WORDS) / WORDS);
        const char *word = vocab[w];
        size_t len = strlen(word);
        if (used + len + 2 > sizeof buf) {
            size_t n = used < (unsigned long long) (size - written) ? used : (size_t) (size - written);
            fwrite(buf, 1, n, stdout);
            written += (long long) n;
            used = 0;
            if (written >= size)
                break;
        }
        memcpy(buf + used, word, len);
        used += len;
        col += (int) len + 1;
        if (col > 70) {
            buf[used++] = '\n';
            col = 0;
        } else {
            buf[used++] = ' ';
        }
    }
    if (written < size)
        fwrite(buf, 1, used < (unsigned long long) (size - written) ? used : (size_t) (size - written), stdout);
    return 0;
}
