/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness: every value reader of the command line on any text - numbers, lists,
 * ranges, sizes, names (integrators, stages, models, presets, recipes, schemes) and whole
 * pipeline configurations (the flags of `process` and `live`, checked against a rate).
 * The first byte picks the reader; the rest is the text (for configurations: arguments
 * separated by newlines). Properties: what is accepted is finite and within the reader's
 * bounds; the number reader agrees with strtod on everything it accepts; a refusal says why
 * under the flag's name; nothing misbehaves. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cli_error_stream(fopen("/dev/null", "w")); /* the configurations print their refusals */
    return 0;
}

static void check(int ok, const char *what, const char *text)
{
    if (!ok) {
        fprintf(stderr, "fuzz-cli-values: %s: '%s'\n", what, text);
        abort();
    }
}

static void refusal(const st_error *err, const char *flag, const char *text)
{
    check(!strncmp(err->msg, flag, strlen(flag)) && err->msg[strlen(flag)] == ':',
          "a refusal without the flag's name", text);
}

static void numbers(const char *text, size_t n)
{
    double x = 42;
    st_error err = {0};
    if (cli_parse_number("--dt", text, &x, &err)) {
        check(isfinite(x), "a non-finite number accepted", text);
        /* it agrees with C's own reading of the same decimal (this harness runs in "C") */
        char *end;
        double y = strtod(text, &end);
        check(*end == '\0' && !memcmp(&x, &y, sizeof x), "disagrees with strtod", text);
    } else {
        refusal(&err, "--dt", text);
        check(x == 42, "a refusal changed the value", text);
    }
    (void)n;
}

static void lists(const char *text, char sep, size_t max)
{
    double x[8];
    size_t n = 99;
    st_error err = {0};
    if (cli_parse_numbers("--at", text, sep, x, max, &n, &err)) {
        check(n >= 1 && n <= max, "a list of the wrong length", text);
        for (size_t i = 0; i < n; i++)
            check(isfinite(x[i]), "a non-finite list value", text);
        /* the values are the separators' count plus one: nothing was skipped */
        size_t seps = 0;
        for (const char *p = text; *p; p++)
            seps += *p == sep;
        check(seps + 1 == n, "a separator skipped", text);
    } else {
        refusal(&err, "--at", text);
    }
}

static void sizes(const char *text)
{
    uint64_t b = 0;
    st_error err = {0};
    if (cli_parse_size("--max-memory", text, &b, &err))
        check(b >= 1, "a size of 0 bytes", text);
    else
        refusal(&err, "--max-memory", text);
}

static void names(const char *text)
{
    st_error err = {0};
    st_integrator how;
    st_rectify_mode r;
    st_envelope_mode e;
    st_norm_mode nm;
    st_sonify_mode so;
    st_cable_scheme cs;
    st_pipeline_config c;
    if (st_integrator_parse(text, &how, &err) == ST_OK)
        check(st_integrator_name(how) != NULL, "integrator", text);
    (void)st_rectify_parse(text, &r, &err);
    (void)st_envelope_parse(text, &e, &err);
    (void)st_norm_parse(text, &nm, &err);
    (void)st_sonify_parse(text, &so, &err);
    (void)st_cable_scheme_parse(text, &cs, &err);
    (void)st_pipeline_recipe(text, false, &c, &err);
    (void)st_pipeline_recipe(text, true, &c, &err);
    (void)st_recipe_help(text);
    for (int i = 0; i < ST_MODEL_COUNT; i++) {
        const st_model *m = st_model_get((st_model_id)i);
        char near[200];
        (void)st_preset_find(m, text, -1);
        st_preset_suggest(m, text, -1, near, sizeof near, 4);
        check(strlen(near) < sizeof near, "suggestions overflow", text);
        (void)st_param_find(m, text);
    }
    (void)st_model_find(text);
}

static void no_help(FILE *f)
{
    (void)f;
}

static int other(void *ud, int argc, char **argv, int *i)
{
    return cli_pipe_param(ud, argc, argv, i, "fuzz");
}

/* The text as arguments (split at newlines) of the pipeline flags, then both configurations
 * checked against a rate, as `process` and `process --block` / `live` do. */
static void configuration(char *text)
{
    char *argv[64];
    int argc = 0;
    argv[argc++] = "fuzz";
    for (char *p = text; argc < 63;) {
        argv[argc++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    argv[argc] = NULL;
    cli_pipe_opts o;
    memset(&o, 0, sizeof o);
    cli_opt table[CLI_PIPE_N_OPTS];
    size_t n = 0;
    cli_pipe_table(&o, table, &n);
    if (cli_parse(argc, argv, table, n, "fuzz", no_help, other, &o) != CLI_OK)
        return;
    st_pipeline_config c;
    st_error err = {0};
    if (cli_pipe_config(&o, false, &c) == CLI_OK)
        (void)st_pipeline_check(&c, 44100.0, &err);
    if (cli_pipe_config(&o, true, &c) == CLI_OK)
        (void)st_pipeline_check(&c, 8000.0, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    switch (data[0] % 8) {
    case 0: numbers(text, size - 1); break;
    case 1: lists(text, ',', 8); break;
    case 2: lists(text, ':', 3); break;
    case 3: sizes(text); break;
    case 4: names(text); break;
    case 5: configuration(text); break;
    case 6: {
        /* the raw span, unterminated, as the stimulus parser hands it over */
        double x;
        if (st_number_parse((const char *)data + 1, size - 1, &x) == ST_NUMBER_OK)
            check(isfinite(x), "st_number_parse: not finite", text);
        break;
    }
    default: {
        st_stimulus s;
        st_error err = {0};
        (void)st_stimulus_parse(text, &s, "--input", &err);
        break;
    }
    }
    free(text);
    return 0;
}
