/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Property tests over every registered model and preset, lookups, and the allocator hook. */
#include <stdlib.h>
#include <string.h>

#include "st-test.h"
#include "spiketalk/spiketalk.h"

/* Every preset of every model: valid parameters, a protocol that parses, a run without fault,
 * and the same result when its steps are processed one at a time. */
static void test_registry_every_preset_runs(void **state)
{
    (void)state;
    for (int id = 0; id < ST_MODEL_COUNT; id++) {
        const st_model *m = st_model_get((st_model_id)id);
        assert_non_null(m);
        assert_true(m->n_presets > 0 && m->n_params > 0);
        assert_non_null(st_preset_find(m, m->default_preset, -1));
        for (size_t i = 0; i < m->n_presets; i++) {
            const st_preset *p = &m->presets[i];
            st_error err = {0};
            assert_int_equal(m->check(&p->params, &err), ST_OK);
            st_sim_config cfg;
            assert_int_equal(st_sim_config_init(&cfg, m, p, &err), ST_OK);
            st_sim_trace tr;
            assert_int_equal(st_sim_collect(&cfg, &tr, &err), ST_OK);
            /* the same run one step at a time through the model's process function */
            st_model_state s;
            m->reset(&s, &cfg.params, cfg.v0_mv, cfg.u0);
            uint64_t stamps[4096];
            st_spikes sp = {stamps, 4096, 0, 0};
            for (size_t k = 0; k < tr.n; k++) {
                double v, u;
                m->process(&s, &cfg.params, cfg.how, cfg.dt_ms, &tr.current[k], &v, &u, 1, &sp);
                assert_true(v == tr.v_mv[k + 1] && u == tr.u[k + 1]);
            }
            assert_int_equal(sp.count, tr.spikes.count);
            st_sim_trace_free(&tr);
        }
    }
}

/* Parameter descriptors point at distinct doubles inside the params struct, and the
 * defaults of the descriptors are the default preset's values. */
static void test_registry_param_table(void **state)
{
    (void)state;
    for (int id = 0; id < ST_MODEL_COUNT; id++) {
        const st_model *m = st_model_get((st_model_id)id);
        st_model_params def = st_model_default_params(m);
        for (size_t i = 0; i < m->n_params; i++) {
            const st_param_desc *d = &m->params[i];
            assert_true(d->offset + sizeof(double) <= sizeof(st_model_params));
            for (size_t j = 0; j < i; j++)
                assert_true(m->params[j].offset != d->offset);
            double x = st_param_get(&def, d);
            assert_true(x == d->def || (isnan(x) && isnan(d->def)));
            st_model_params q = def;
            st_param_set(&q, d, 1234.5);
            assert_true(st_param_get(&q, d) == 1234.5);
            assert_ptr_equal(st_param_find(m, d->name), d);
        }
    }
}

static void test_registry_lookups(void **state)
{
    (void)state;
    const st_model *izh = st_model_get(ST_MODEL_IZH);
    assert_ptr_equal(st_model_find("IZHIKEVICH"), izh);
    assert_ptr_equal(st_model_find("izh2003"), izh);
    assert_ptr_equal(st_model_find("izh2007"), st_model_get(ST_MODEL_IZH07));
    assert_null(st_model_find("hodgkin"));
    assert_ptr_equal(st_preset_find(izh, "t", ST_PRESET_FEATURE),
                     st_preset_find(izh, "Inhibition Induced Bursting", -1));
    assert_null(st_preset_find(izh, "tonic-spiking", ST_PRESET_CELL));
    assert_non_null(st_preset_find(izh, "rs", ST_PRESET_CELL));
    char buf[200];
    st_preset_suggest(izh, "RSS", ST_PRESET_CELL, buf, sizeof buf, 3);
    assert_true(!strncmp(buf, "RS", 2));
    st_preset_suggest(izh, "tonic-spikng", ST_PRESET_FEATURE, buf, sizeof buf, 2);
    assert_true(!strncmp(buf, "tonic-spiking", 13));
    assert_int_equal(st_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(st_edit_distance("", "abc"), 3);
    /* features are lettered A..T in order */
    char letter = 'A';
    for (size_t i = 0; i < izh->n_presets; i++)
        if (izh->presets[i].kind == ST_PRESET_FEATURE)
            assert_int_equal(izh->presets[i].letter[0], letter++);
    assert_int_equal(letter, 'U');
}

/* A failing allocator: the k-th allocation fails. */
/* Each allocation of st_sim_collect may fail: it reports ST_ERR_NOMEM and leaks nothing
 * (AddressSanitizer checks the leaks in the sanitizer build). */
static void test_registry_alloc_failure(void **state)
{
    (void)state;
    const st_model *m = st_model_get(ST_MODEL_IZH);
    st_sim_config cfg;
    assert_int_equal(st_sim_config_init(&cfg, m, NULL, NULL), ST_OK);
    int failures = 0;
    for (int k = 0; k < 50; k++) {
        int left = k;
        st_set_allocator(st_test_failing_alloc, &left);
        st_sim_trace tr;
        st_error err = {0};
        st_status st = st_sim_collect(&cfg, &tr, &err);
        st_set_allocator(NULL, NULL);
        if (st == ST_OK) {
            st_sim_trace_free(&tr);
            break;
        }
        assert_int_equal(st, ST_ERR_NOMEM);
        assert_non_null(strstr(err.msg, "out of memory"));
        assert_null(tr.v_mv);
        failures++;
    }
    assert_true(failures >= 5); /* four arrays and the spike buffer */
}

/* A block hook sees every stored block and may stop the run (a front end's Ctrl-C): the
 * trace is then freed and the hook's code returned. */
typedef struct blocks {
    uint64_t next;      /* the first step of the next block */
    int calls, stop_at; /* stop at this call (0: never), with 'code' (0: none set) */
    st_status code;
} blocks;

static int on_block(void *ud, uint64_t k0, const double *I, const double *v, const double *u,
                    size_t n, st_error *err)
{
    (void)I, (void)v, (void)u;
    blocks *b = ud;
    assert_true(k0 == b->next && n > 0);
    b->next += n;
    if (++b->calls != b->stop_at)
        return 0;
    if (b->code)
        st_error_set(err, b->code, "stopped by the test");
    return 1;
}

static void test_registry_collect_hook(void **state)
{
    (void)state;
    const st_model *m = st_model_get(ST_MODEL_IZH);
    st_sim_config cfg;
    assert_int_equal(st_sim_config_init(&cfg, m, NULL, NULL), ST_OK);
    cfg.duration_ms = 10000.0; /* 20,000 steps at 0.5 ms: 5 blocks */
    st_sim_trace plain, hooked;
    blocks b = {0};
    assert_int_equal(st_sim_collect(&cfg, &plain, NULL), ST_OK);
    assert_int_equal(st_sim_collect_fn(&cfg, on_block, &b, &hooked, NULL), ST_OK);
    assert_int_equal(b.calls, (int)((plain.n + ST_SIM_BLOCK - 1) / ST_SIM_BLOCK));
    assert_int_equal(b.next, plain.n);
    assert_int_equal(hooked.n, plain.n);
    assert_memory_equal(hooked.v_mv, plain.v_mv, (plain.n + 1) * sizeof(double));
    assert_int_equal(hooked.spikes.count, plain.spikes.count);
    st_sim_trace_free(&hooked);
    st_sim_trace_free(&plain);
    for (int k = 0; k < 2; k++) {
        b = (blocks){.stop_at = 2, .code = k ? ST_ERR_NUMERIC : ST_OK};
        st_error err = {0};
        assert_int_equal(st_sim_collect_fn(&cfg, on_block, &b, &hooked, &err),
                         k ? ST_ERR_NUMERIC : ST_ERR_IO);
        assert_int_equal(b.calls, 2);
        assert_null(hooked.v_mv);
        assert_null(hooked.spikes.step);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry_every_preset_runs),
        cmocka_unit_test(test_registry_param_table),
        cmocka_unit_test(test_registry_lookups),
        cmocka_unit_test(test_registry_alloc_failure),
        cmocka_unit_test(test_registry_collect_hook),
    };
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
