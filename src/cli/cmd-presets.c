/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk presets`: the cell types and features of every model, with their protocols. */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "spiketalk/output.h"

static void help(FILE *f)
{
    fputs("usage: spiketalk presets [--model NAME] [--json]\n"
          "\n"
          "Lists the presets of each model: the study's seven cortical types (RS IB CH FS LTS\n"
          "TC RZ) and the 20 features of Izhikevich (2004) (A-T) for model izhikevich, and the\n"
          "seven cell types of the 2007 book for model izh2007, with their parameters and the\n"
          "protocol that 'spiketalk simulate --preset/--feature NAME' runs by default.\n"
          "\n"
          "  --model NAME   only this model (izhikevich, izh2007 or hh)\n"
          "  --json         one JSON object on stdout\n",
          f);
}

static void print_params(FILE *f, const st_model *m, const st_preset *p)
{
    for (size_t i = 0; i < m->n_params; i++) {
        const st_param_desc *d = &m->params[i];
        double x = st_param_get(&p->params, d);
        if (d->advanced && (x == d->def || (isnan(x) && isnan(d->def))))
            continue;
        char val[40];
        fprintf(f, " %s=%s", d->name, st_format_double(val, sizeof val, x));
    }
}

static void list_text(const st_model *m)
{
    printf("%s: %s\n", m->name, m->title);
    for (size_t i = 0; i < m->n_presets; i++) {
        const st_preset *p = &m->presets[i];
        st_sim_config cfg;
        st_sim_config_init(&cfg, m, p, NULL);
        char input[ST_STIMULUS_TEXT_MAX];
        st_stimulus_format(&cfg.stim, input, sizeof input);
        printf("  %-1s %-29s %s\n", p->letter ? p->letter : " ", p->name, p->title);
        printf("      ");
        print_params(stdout, m, p);
        printf("  v0=%g u0=%g\n", cfg.v0_mv, cfg.u0);
        printf("      input %s, dt %g ms, %g ms, %s\n", input, cfg.dt_ms, cfg.duration_ms,
               st_integrator_name(cfg.how));
        if (p->note)
            printf("      %s\n", p->note);
    }
}

static void list_json(st_json *j, const st_model *m)
{
    st_json_object_begin(j, NULL);
    st_json_string(j, "model", m->name);
    st_json_string(j, "title", m->title);
    st_json_array_begin(j, "presets", false);
    for (size_t i = 0; i < m->n_presets; i++) {
        const st_preset *p = &m->presets[i];
        st_sim_config cfg;
        st_sim_config_init(&cfg, m, p, NULL);
        char input[ST_STIMULUS_TEXT_MAX];
        st_stimulus_format(&cfg.stim, input, sizeof input);
        st_json_object_begin(j, NULL);
        st_json_string(j, "name", p->name);
        st_json_string(j, "letter", p->letter);
        st_json_string(j, "kind", p->kind == ST_PRESET_FEATURE ? "feature" : "cell");
        st_json_string(j, "title", p->title);
        st_json_object_begin(j, "params");
        for (size_t k = 0; k < m->n_params; k++)
            st_json_number(j, m->params[k].name, st_param_get(&p->params, &m->params[k]));
        st_json_object_end(j);
        st_json_number(j, "v0_mv", cfg.v0_mv);
        st_json_number(j, "u0", cfg.u0);
        st_json_string(j, "input", input);
        st_json_number(j, "dt_ms", cfg.dt_ms);
        st_json_number(j, "duration_ms", cfg.duration_ms);
        st_json_string(j, "integrator", st_integrator_name(cfg.how));
        st_json_string(j, "note", p->note);
        st_json_object_end(j);
    }
    st_json_array_end(j);
    st_json_object_end(j);
}

int cmd_presets(int argc, char **argv)
{
    const char *model = NULL;
    bool json = false;
    const cli_opt table[] = {{"--model", &model, NULL}, {"--json", NULL, &json}};
    int rc = cli_parse(argc, argv, table, 2, "presets", help, NULL, NULL);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    const st_model *only = NULL;
    if (model && !(only = st_model_find(model))) {
        cli_error("--model: unknown model '%s' (izhikevich, izh2007 or hh)", model);
        return CLI_USAGE;
    }
    st_json j;
    if (json) {
        st_json_init(&j, stdout);
        st_json_object_begin(&j, NULL);
        st_json_array_begin(&j, "models", false);
    }
    for (int i = 0; i < ST_MODEL_COUNT; i++) {
        const st_model *m = st_model_get((st_model_id)i);
        if (only && m != only)
            continue;
        if (json)
            list_json(&j, m);
        else
            list_text(m);
    }
    if (json) {
        st_json_array_end(&j);
        st_json_object_end(&j);
    }
    return CLI_OK;
}
