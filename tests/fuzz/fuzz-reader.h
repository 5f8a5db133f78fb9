/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The harnesses' view of a fuzzer's input as a stream of bytes; past its end, zeros. */
#ifndef SPIKETALK_FUZZ_READER_H
#define SPIKETALK_FUZZ_READER_H

#include <stddef.h>
#include <stdint.h>

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static inline unsigned byte(reader *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

#endif
