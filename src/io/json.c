/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small streaming JSON writer for --json output. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spiketalk/output.h"

void st_json_init(st_json *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
}

static void indent(st_json *j)
{
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

static void write_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* Separator, newline/indent and key before a value. */
static void prefix(st_json *j, const char *key)
{
    if (j->depth == 0)
        return;
    int d = j->depth - 1;
    bool compact = j->in_array[d] && j->compact_array;
    if (j->count[d]++)
        fputs(compact ? ", " : ",", j->f);
    if (!compact) {
        fputc('\n', j->f);
        indent(j);
    }
    if (!j->in_array[d]) {
        write_string(j->f, key ? key : "");
        fputs(": ", j->f);
    }
}

static void begin(st_json *j, const char *key, bool array, char c)
{
    prefix(j, key);
    fputc(c, j->f);
    if (j->depth < ST_JSON_MAX_DEPTH) {
        j->in_array[j->depth] = array;
        j->count[j->depth] = 0;
    }
    j->depth++;
}

static void close_(st_json *j, char c)
{
    j->depth--;
    bool had = j->count[j->depth] > 0;
    if (had && !(j->in_array[j->depth] && j->compact_array)) {
        fputc('\n', j->f);
        indent(j);
    }
    fputc(c, j->f);
    j->compact_array = false;
    if (j->depth == 0)
        fputc('\n', j->f);
}

void st_json_object_begin(st_json *j, const char *key)
{
    begin(j, key, false, '{');
}

void st_json_object_end(st_json *j)
{
    close_(j, '}');
}

void st_json_array_begin(st_json *j, const char *key, bool compact)
{
    begin(j, key, true, '[');
    j->compact_array = compact;
}

void st_json_array_end(st_json *j)
{
    close_(j, ']');
}

void st_json_number(st_json *j, const char *key, double x)
{
    prefix(j, key);
    if (!isfinite(x)) {
        fputs("null", j->f);
        return;
    }
    char buf[40];
    fputs(st_format_double(buf, sizeof buf, x), j->f);
}

void st_json_uint(st_json *j, const char *key, uint64_t x)
{
    prefix(j, key);
    fprintf(j->f, "%llu", (unsigned long long)x);
}

void st_json_string(st_json *j, const char *key, const char *s)
{
    prefix(j, key);
    if (s)
        write_string(j->f, s);
    else
        fputs("null", j->f);
}

void st_json_bool(st_json *j, const char *key, bool b)
{
    prefix(j, key);
    fputs(b ? "true" : "false", j->f);
}

void st_json_null(st_json *j, const char *key)
{
    prefix(j, key);
    fputs("null", j->f);
}
