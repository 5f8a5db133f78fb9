/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The study's recipes against references made by tests/data/make-recipe-ref.py: the study's
 * own code (numpy float64, its expressions, scipy's hilbert and resample) with its I/O replaced,
 * run once on the tone burst and the demo voice and committed beside it. The spike steps must be
 * the same, every one; the neuron input the same to the last bit where no FFT is involved, and
 * within 1e-12 where FFTW and scipy's pocketfft round differently; the gate threshold (numpy's
 * pairwise std) the same to the last bit. tests/cli/test-recipes.sh does the same on
 * recordings it makes, with the reference run at test time. */
#include <stdlib.h>
#include <string.h>

#include "st-test.h"
#include "spiketalk/audio.h"
#include "spiketalk/pipeline.h"

typedef struct ref {
    size_t steps, stride, n_I, n_spikes;
    double I[1024], I_sum, I_max, thr;
    long spikes[4096];
} ref;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_error("cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = calloc(1, (size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(f);
    return s;
}

/* The numbers of the JSON array after "key": into out (at most cap). */
static size_t numbers(const char *json, const char *key, double *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": [", key);
    const char *p = strstr(json, pat);
    assert_non_null(p);
    p += strlen(pat);
    size_t n = 0;
    while (*p && *p != ']') {
        char *end;
        double x = strtod(p, &end);
        if (end == p) {
            p++;
            continue;
        }
        if (n < cap)
            out[n++] = x;
        p = end;
    }
    return n;
}

static double number(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = strstr(json, pat);
    assert_non_null(p);
    return strtod(p + strlen(pat), NULL);
}

static void load_ref(const char *recipe, const char *input, ref *r)
{
    char path[512];
    snprintf(path, sizeof path, "%s/ref-%s-%s.json", ST_TEST_DATA, recipe, input);
    char *json = slurp(path);
    assert_non_null(json);
    r->steps = (size_t)number(json, "steps");
    r->stride = (size_t)number(json, "stride");
    r->I_sum = number(json, "I_sum");
    r->I_max = number(json, "I_max");
    r->thr = number(json, "gate_threshold");
    r->n_I = numbers(json, "I_sampled", r->I, 1024);
    static double sp[4096];
    r->n_spikes = numbers(json, "spike_steps", sp, 4096);
    for (size_t i = 0; i < r->n_spikes; i++)
        r->spikes[i] = (long)sp[i];
    free(json);
}

static void check_recipe(const char *recipe, const char *wav, const char *stem)
{
    ref *want = calloc(1, sizeof *want);
    load_ref(recipe, stem, want);
    st_audio a;
    st_error err = {0};
    char path[512];
    snprintf(path, sizeof path, "%s/%s", ST_TEST_DATA, wav);
    assert_int_equal(st_audio_read(path, &a, &err), ST_OK);
    st_pipeline_config c;
    assert_int_equal(st_pipeline_recipe(recipe, false, &c, &err), ST_OK);
    st_pipeline_result r;
    assert_int_equal(st_pipeline_run(&c, a.x, a.n, a.fs_hz, &r, NULL, NULL, &err), ST_OK);
    print_message("%-18s %-10s steps %zu, spikes %zu (reference %zu)\n", recipe, stem, r.steps,
                  r.spikes.count, want->n_spikes);
    assert_int_equal(r.steps, want->steps);
    double sum = 0, mx = -INFINITY;
    for (size_t k = 0; k < r.steps; k++) {
        sum += r.current[k];
        mx = fmax(mx, r.current[k]);
    }
    /* no FFT on the way (the moving-average recipes): the same numbers; with one, FFTW's and
     * pocketfft's rounding */
    bool fft = strstr(recipe, "hilbert") || !strcmp(recipe, "seed-playback") ||
               !strcmp(recipe, "seed-live");
    double tol = fft ? 1e-12 : 0.0;
    assert_close(mx, want->I_max, tol * want->I_max, tol);
    assert_close(sum, want->I_sum, 1e-9 * fabs(want->I_sum), 1e-9);
    for (size_t i = 0; i < want->n_I; i++)
        assert_close(r.current[i * want->stride], want->I[i], tol * want->I_max, tol);
    assert_true(r.gate_threshold == want->thr);
    assert_int_equal(r.spikes.count, want->n_spikes);
    for (size_t i = 0; i < want->n_spikes; i++)
        assert_int_equal(r.spikes.step[i], want->spikes[i]);
    st_pipeline_result_free(&r);
    st_audio_free(&a);
    free(want);
}

static void test_recipes_tone_burst(void **state)
{
    (void)state;
    const char *recipes[] = {"seed-hilbert",     "seed-hilbert-norm", "seed-movavg",
                             "seed-movavg-norm", "seed-playback",     "seed-live"};
    for (size_t i = 0; i < 6; i++)
        check_recipe(recipes[i], "tone-burst.wav", "tone-burst");
}

static void test_recipes_demo_voice(void **state)
{
    (void)state;
    const char *recipes[] = {"seed-hilbert",     "seed-hilbert-norm", "seed-movavg",
                             "seed-movavg-norm", "seed-playback",     "seed-live"};
    for (size_t i = 0; i < 6; i++)
        check_recipe(recipes[i], "../../data/demo-voice.wav", "demo-voice");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recipes_tone_burst),
        cmocka_unit_test(test_recipes_demo_voice),
    };
    return cmocka_run_group_tests_name("recipes", tests, NULL, NULL);
}
