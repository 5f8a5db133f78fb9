/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `spiketalk simulate`: one neuron (or a set of presets) under a stimulus protocol. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "spiketalk/output.h"
#include "spiketalk/figure.h"
#include "spiketalk/plot.h"

#define MAX_OVERRIDES 32
#define MAX_RUNS 32
/* Runs longer than this many samples are drawn from a min/max envelope per bin. */
#define PLOT_FULL 2000000u
/* The most steps one command may take (all its runs together): about two minutes here with
 * the symplectic integrator, ten with rk4; more is a mistyped --dt or --duration. */
#define MAX_TOTAL_STEPS 1e10
/* Beyond this the input current is outside every model's range: a blow-up then is its fault. */
#define HUGE_CURRENT 1e6

typedef struct opts {
    const char *model, *preset, *feature, *input, *integrator;
    const char *trace, *spikes, *plot;
    const char *dt, *duration, *v0, *u0, *max_memory;
    const char *pname[MAX_OVERRIDES], *pvalue[MAX_OVERRIDES];
    size_t n_over;
    bool json;
} opts;

typedef struct run {
    const st_preset *preset;
    st_sim_config cfg;
    st_spikes spikes;
    size_t spike_cursor;     /* spikes already marked on the plot */
    st_rows pb;              /* t, v (spikes drawn to the peak), I for the plot */
    bool plot;
    FILE *trace;
    const char *trace_path;
    cli_progress *progress;
    double progress_base;    /* steps of the runs before this one */
    st_status status;
    st_error err;
} run;

/* ---- help ------------------------------------------------------------------------------------ */

static void help_model(FILE *f, const st_model *m)
{
    fprintf(f, "\nModel '%s': %s\n", m->name, m->title);
    for (const char *p = m->equations; *p;) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(f, "    %.*s\n", len, p);
        p += len + (nl ? 1 : 0);
    }
    fprintf(f, "  parameters (flags; defaults are the %s cell):\n", m->default_preset);
    const st_model_params def = st_model_default_params(m);
    for (size_t i = 0; i < m->n_params; i++) {
        const st_param_desc *d = &m->params[i];
        char val[40];
        st_format_double(val, sizeof val, st_param_get(&def, d));
        fprintf(f, "    --%-7s %-8s %-9s %s%s\n", d->name, val, d->unit, d->help,
                d->advanced ? " [rule]" : "");
    }
    fprintf(f, "  defaults: --integrator %s --dt %g --duration %g --input %s\n",
            st_integrator_name(m->default_integrator), m->default_dt_ms, m->default_duration_ms,
            m->default_input);
    fprintf(f, "  current unit: %s; spike when %s; %s\n",
            m->current_unit[0] ? m->current_unit : "dimensionless", m->spike_rule, m->citation);
}

static void help(FILE *f)
{
    fputs(
        "usage: spiketalk simulate [--preset NAME|all | --feature NAME|LETTER|all] [OPTIONS]\n"
        "\n"
        "Simulates a model neuron driven by an input current and reports its spikes.\n"
        "Time is in ms and potentials in mV. The step that uses the input I(t_k) takes the\n"
        "state from t_k to t_{k+1} = t_k + dt; a spike is stamped t_{k+1}. A run of\n"
        "--duration T takes round(T/dt) steps.\n"
        "\n"
        "What to simulate:\n"
        "  --model NAME        izhikevich (2003/2004, the default) or izh2007 (book form)\n"
        "  --preset NAME       a cell type: izhikevich: RS IB CH FS LTS TC RZ (the study's\n"
        "                      seven: v0 = -65, u0 = b v0, I = 5 for t > 300 ms, dt 0.5 ms,\n"
        "                      1000 ms, symplectic); izh2007: RS IB CH LTS FS TC RTN;\n"
        "                      'all' runs every cell type of the model\n"
        "  --feature NAME      one of the 20 features of Izhikevich (2004), by name or letter\n"
        "                      A-T, with its own parameters, v0, u0, dt, duration and input\n"
        "                      protocol (see 'spiketalk presets'); 'all' runs the 20\n"
        "  --input SPEC        input current, overriding the preset's (see below)\n"
        "  --duration MS       simulated time                 --dt MS     time step\n"
        "  --integrator NAME   study | euler | symplectic | izh2003 | rk4 (default: study for\n"
        "                      the study's seven cells, symplectic for the others)\n"
        "  --v0 MV, --u0 U     initial state (default: the preset's; u0 = b v0 in the 2003 form)\n"
        "  --PARAM VALUE       any model parameter, e.g. --a 0.02 --b 0.2 --c -65 --d 8\n"
        "\n"
        "Outputs (each checked before the run; files are written whole or not at all):\n"
        "  --trace FILE.csv    columns t_ms,I,v,u, one row per time point t_0 .. t_N\n"
        "                      (v and u are the state after any reset)\n"
        "  --spikes FILE.csv   column t_ms (with 'all': preset,t_ms)\n"
        "  --plot FILE         .png, .svg or .pdf: v (left axis) and I (right axis) over time;\n"
        "                      with 'all', one panel per preset (a contact sheet)\n"
        "  --json              one JSON object on stdout: model, preset, params, dt_ms,\n"
        "                      duration_ms, integrator, input, spike_count, spike_times_ms, ...\n"
        "\n"
        "Input protocols (SPEC), terms summed with '+':\n"
        "  const:amp=A                        A at all times\n"
        "  step:onset=T,amp=A[,dur=D]         A for T < t (< T+D)\n"
        "  pulse:start=T,width=W,amp=A        A for T < t < T+W\n"
        "  ramp:start=T,slope=S[,from=B][,dur=D]  B up to T, then B + S (t-T) (0 from T+D on)\n"
        "  Edges are excluded (t > onset, as the study); add ',closed' to include them.\n"
        "  e.g. --input 'const:amp=0.24+pulse:start=37.5,width=5,amp=1'\n"
        "\n"
        "Integrators:\n",
        f);
    for (int i = 0; i < ST_INT_COUNT; i++)
        if (st_model_get(ST_MODEL_IZH)->integrators & ST_INT_BIT(i))
            fprintf(f, "  %-11s %s\n", st_integrator_name((st_integrator)i),
                st_integrator_help((st_integrator)i));
    for (int i = 0; i < ST_MODEL_COUNT; i++)
        help_model(f, st_model_get((st_model_id)i));
    fputs("\nA non-finite v stops the run with the time it happened; a smaller --dt helps.\n"
          "\nExamples:\n"
          "  spiketalk simulate --preset RS --plot rs.png\n"
          "  spiketalk simulate --preset all --plot study.png\n"
          "  spiketalk simulate --feature all --plot sheet.png\n"
          "  spiketalk simulate --feature C --json\n"
          "  spiketalk simulate --model izh2007 --preset RS --trace rs.csv\n"
          "  spiketalk simulate --preset FS --input 'ramp:start=0,slope=0.01' --duration 2000\n",
          f);
}

/* ---- argument parsing ------------------------------------------------------------------------ */

/* Anything else of the form --NAME VALUE is a model parameter, checked later. */
static int other_arg(void *ud, int argc, char **argv, int *i)
{
    opts *o = ud;
    const char *a = argv[*i];
    const char *eq = strchr(a, '=');
    if (strncmp(a, "--", 2) || !a[2] || (!eq && *i + 1 >= argc)) {
        cli_error("%s: unknown option (see 'spiketalk simulate --help')", a);
        return CLI_USAGE;
    }
    if (o->n_over == MAX_OVERRIDES) {
        cli_error("%s: more than %d parameter flags", a, MAX_OVERRIDES);
        return CLI_USAGE;
    }
    o->pname[o->n_over] = a + 2;
    o->pvalue[o->n_over] = eq ? eq + 1 : argv[++*i];
    o->n_over++;
    return CLI_OK;
}

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    const cli_opt table[] = {
        {"--model", &o->model, NULL},     {"--preset", &o->preset, NULL},
        {"--feature", &o->feature, NULL}, {"--input", &o->input, NULL},
        {"--integrator", &o->integrator, NULL},
        {"--trace", &o->trace, NULL},     {"--spikes", &o->spikes, NULL},
        {"--plot", &o->plot, NULL},       {"--dt", &o->dt, NULL},
        {"--duration", &o->duration, NULL},
        {"--v0", &o->v0, NULL},           {"--u0", &o->u0, NULL},
        {"--max-memory", &o->max_memory, NULL}, {"--json", NULL, &o->json}};
    return cli_parse(argc, argv, table, sizeof table / sizeof table[0], "simulate", help,
                     other_arg, o);
}

/* ---- configuration --------------------------------------------------------------------------- */

/* A run of at most MAX_TOTAL_STEPS steps, named by the flag the user gave. */
static int check_size(const opts *o, const st_sim_config *cfg)
{
    if (!(cfg->dt_ms > 0) || !(cfg->duration_ms >= 0))
        return CLI_OK; /* st_sim_check says what is wrong */
    double steps = cfg->duration_ms / cfg->dt_ms;
    if (steps <= MAX_TOTAL_STEPS)
        return CLI_OK;
    char n[40];
    if (isfinite(steps))
        snprintf(n, sizeof n, "%.3g steps", steps);
    else
        snprintf(n, sizeof n, "too many steps to count");
    if (o->dt || !o->duration)
        cli_error("--dt: %g ms over %g ms of --duration is %s; a run may take at most %.0e "
                  "(use a larger --dt or a shorter --duration)",
                  cfg->dt_ms, cfg->duration_ms, n, MAX_TOTAL_STEPS);
    else
        cli_error("--duration: %g ms at --dt %g ms is %s; a run may take at most %.0e (use a "
                  "shorter --duration or a larger --dt)",
                  cfg->duration_ms, cfg->dt_ms, n, MAX_TOTAL_STEPS);
    return CLI_USAGE;
}

/* The input current must stay finite over the run: terms that overflow when summed are the
 * input's fault, not the integrator's. */
static int check_current(const opts *o, const st_sim_config *cfg)
{
    double lo, hi;
    st_stimulus_range(&cfg->stim, cfg->duration_ms, &lo, &hi);
    if (isfinite(lo) && isfinite(hi))
        return CLI_OK;
    char text[ST_STIMULUS_TEXT_MAX];
    st_stimulus_format(&cfg->stim, text, sizeof text);
    cli_error("%s: the input current overflows: '%.*s%s' reaches %g within the %g ms of the run "
              "(the largest current is about 1.8e308)",
              o->input ? "--input" : "preset input", 200, text, strlen(text) > 200 ? "..." : "",
              isfinite(hi) ? lo : hi, cfg->duration_ms);
    return CLI_USAGE;
}

/* Applies the command-line overrides to one run's configuration. */
static int apply_overrides(const opts *o, st_sim_config *cfg, const st_preset *pre)
{
    st_error err = {0};
    const st_model *m = cfg->model;
    for (size_t i = 0; i < o->n_over; i++)
        if (!cli_set_param(m, &cfg->params, o->pname[i], o->pvalue[i]))
            return CLI_USAGE;
    if (o->dt && !cli_number("--dt", o->dt, &cfg->dt_ms))
        return CLI_USAGE;
    if (o->duration && !cli_number("--duration", o->duration, &cfg->duration_ms))
        return CLI_USAGE;
    if (o->v0 && !cli_number("--v0", o->v0, &cfg->v0_mv))
        return CLI_USAGE;
    if (o->u0) {
        if (!cli_number("--u0", o->u0, &cfg->u0))
            return CLI_USAGE;
    } else if (!(pre && !isnan(pre->u0))) {
        cfg->u0 = m->default_u0(&cfg->params, cfg->v0_mv); /* follows --v0 and --b */
        if (!isfinite(cfg->u0)) {
            cli_error("--b: u0 = b v0 = %g (v0 %g mV) is not a number a run can start from; "
                      "give --u0, or a smaller --b",
                      cfg->u0, cfg->v0_mv);
            return CLI_USAGE;
        }
    }
    if (o->integrator && st_integrator_parse(o->integrator, &cfg->how, &err))
        return cli_report(&err);
    if (o->input && st_stimulus_parse(o->input, &cfg->stim, "--input", &err))
        return cli_report(&err);
    int rc = check_size(o, cfg);
    if (rc)
        return rc;
    if (st_sim_check(cfg, &err))
        return cli_report(&err);
    return check_current(o, cfg);
}

/* Resolves the model and the list of runs. Returns the number of runs, or -1 after an error. */
static int build_runs(const opts *o, run *runs)
{
    const st_model *m = st_model_get(ST_MODEL_IZH);
    if (o->model && !(m = st_model_find(o->model))) {
        cli_error("--model: unknown model '%s' (izhikevich, izh2007 or hh)", o->model);
        return -1;
    }
    if (o->preset && o->feature) {
        cli_error("--preset and --feature: give one of them");
        return -1;
    }
    if (o->feature && m->id != ST_MODEL_IZH) {
        cli_error("--feature: the 2004 features belong to model izhikevich, not %s", m->name);
        return -1;
    }
    int kind = o->feature ? ST_PRESET_FEATURE : ST_PRESET_CELL;
    const char *name = o->feature ? o->feature : o->preset;
    const char *flag = o->feature ? "--feature" : "--preset";
    int n = 0;
    if (name && !strcasecmp(name, "all")) {
        for (size_t i = 0; i < m->n_presets && n < MAX_RUNS; i++)
            if ((int)m->presets[i].kind == kind)
                runs[n++].preset = &m->presets[i];
    } else {
        const st_preset *p = name ? cli_find_preset(m, name, kind, flag) : NULL;
        if (name && !p)
            return -1;
        runs[n++].preset = p;
    }
    for (int r = 0; r < n; r++) {
        st_error err = {0};
        if (st_sim_config_init(&runs[r].cfg, m, runs[r].preset, &err)) {
            cli_report(&err);
            return -1;
        }
        if (!runs[r].preset)
            runs[r].preset = st_preset_find(m, m->default_preset, -1);
        if (apply_overrides(o, &runs[r].cfg, runs[r].preset))
            return -1;
    }
    return n;
}

/* ---- per-block output ------------------------------------------------------------------------ */

static int on_block(void *ud, uint64_t k0, const double *I, const double *v, const double *u,
                    size_t n, st_error *err)
{
    run *r = ud;
    const st_sim_config *cfg = &r->cfg;
    double dt = cfg->dt_ms, vpeak = cfg->model->vpeak(&cfg->params);
    cli_progress_update(r->progress, r->progress_base + (double)(k0 + n));
    for (size_t i = 0; i < n && (r->trace || r->pb.bin); i++) {
        uint64_t j = k0 + i + 1; /* the state v[i] is at t_j */
        double t = (double)j * dt;
        double Ij = i + 1 < n ? I[i + 1] : st_stimulus_at(&cfg->stim, t);
        if (r->trace) {
            double row[4] = {t, Ij, v[i], u[i]};
            st_csv_row(r->trace, row, 4);
        }
        if (r->plot) {
            /* Show each spike as a line to vpeak, as the published figures do. */
            double vd = v[i];
            const st_spikes *sp = &r->spikes;
            while (r->spike_cursor < sp->count && sp->step[r->spike_cursor] < j)
                r->spike_cursor++;
            if (r->spike_cursor < sp->count && sp->step[r->spike_cursor] == j && !isnan(vpeak))
                vd = vpeak;
            if (st_rows_add(&r->pb, (double[3]){t, vd, Ij}))
                return st_error_set(err, ST_ERR_NOMEM, "--plot: out of memory") != ST_OK;
        }
    }
    /* a full disk stops the run now, not after the rest of it */
    if (r->trace && ferror(r->trace))
        return st_error_set(err, ST_ERR_IO, "%s: write failed: %s", r->trace_path,
                            strerror(errno)) != ST_OK;
    return 0;
}

/* ---- results --------------------------------------------------------------------------------- */

static void json_run(st_json *j, const run *r)
{
    const st_sim_config *cfg = &r->cfg;
    const st_model *m = cfg->model;
    char input[ST_STIMULUS_TEXT_MAX];
    st_stimulus_format(&cfg->stim, input, sizeof input);
    st_json_string(j, "model", m->name);
    st_json_string(j, "preset", r->preset ? r->preset->name : NULL);
    if (r->preset && r->preset->letter)
        st_json_string(j, "letter", r->preset->letter);
    st_json_string(j, "title", r->preset ? r->preset->title : NULL);
    st_json_object_begin(j, "params");
    for (size_t i = 0; i < m->n_params; i++)
        st_json_number(j, m->params[i].name, st_param_get(&cfg->params, &m->params[i]));
    st_json_object_end(j);
    st_json_number(j, "v0_mv", cfg->v0_mv);
    st_json_number(j, "u0", cfg->u0);
    st_json_string(j, "input", input);
    st_json_string(j, "current_unit", m->current_unit);
    st_json_string(j, "integrator", st_integrator_name(cfg->how));
    st_json_number(j, "dt_ms", cfg->dt_ms);
    st_json_number(j, "duration_ms", cfg->duration_ms);
    st_json_uint(j, "steps", st_sim_steps(cfg));
    st_json_string(j, "spike_rule", m->spike_rule);
    st_json_uint(j, "spike_count", r->spikes.count + r->spikes.dropped);
    double secs = cfg->duration_ms / 1000.0;
    st_json_number(j, "mean_rate_hz", secs > 0 ? (double)r->spikes.count / secs : 0.0);
    st_json_array_begin(j, "spike_times_ms", true);
    for (size_t i = 0; i < r->spikes.count; i++)
        st_json_number(j, NULL, (double)r->spikes.step[i] * cfg->dt_ms);
    st_json_array_end(j);
}

static void print_json(const run *runs, int n, const opts *o)
{
    st_json j;
    st_json_init(&j, stdout);
    st_json_object_begin(&j, NULL);
    if (n == 1) {
        json_run(&j, &runs[0]);
    } else {
        st_json_string(&j, "model", runs[0].cfg.model->name);
        st_json_array_begin(&j, "runs", false);
        for (int r = 0; r < n; r++) {
            st_json_object_begin(&j, NULL);
            json_run(&j, &runs[r]);
            st_json_object_end(&j);
        }
        st_json_array_end(&j);
    }
    st_json_object_begin(&j, "files");
    st_json_string(&j, "trace", o->trace);
    st_json_string(&j, "spikes", o->spikes);
    st_json_string(&j, "plot", o->plot);
    st_json_object_end(&j);
    st_json_object_end(&j);
}

static void print_summary(const run *r)
{
    const st_sim_config *cfg = &r->cfg;
    char input[ST_STIMULUS_TEXT_MAX];
    st_stimulus_format(&cfg->stim, input, sizeof input);
    printf("%-28s %4zu spikes", r->preset ? r->preset->name : cfg->model->name,
           r->spikes.count);
    if (r->spikes.count)
        printf(", first at %g ms", (double)r->spikes.step[0] * cfg->dt_ms);
    printf("   (%s, %s, dt %g ms, %g ms, input %s)\n", cfg->model->name,
           st_integrator_name(cfg->how), cfg->dt_ms, cfg->duration_ms, input);
}

static int write_spikes(const char *path, const run *runs, int n)
{
    st_outfile of = {.f = cli_outputs_open(path)}; /* committed with the other outputs */
    if (!of.f)
        return CLI_FAIL;
    fputs(n > 1 ? "preset,t_ms\n" : "t_ms\n", of.f);
    for (int r = 0; r < n; r++)
        for (size_t i = 0; i < runs[r].spikes.count; i++) {
            double t = (double)runs[r].spikes.step[i] * runs[r].cfg.dt_ms;
            if (n > 1)
                fprintf(of.f, "%s,%.12g\n", runs[r].preset->name, t);
            else
                fprintf(of.f, "%.12g\n", t);
        }
    return CLI_OK;
}

/* The runs as the figure (figure.h) draws them. */
static int write_plot(const char *path, run *runs, int n)
{
    st_figure_run fr[MAX_RUNS];
    for (int r = 0; r < n; r++)
        fr[r] = (st_figure_run){&runs[r].cfg, runs[r].preset, runs[r].pb.col[0],
                                runs[r].pb.col[1], runs[r].pb.col[2], runs[r].pb.n, NULL};
    st_figure *f = NULL;
    st_error err = {0};
    st_status built = st_figure_simulate(fr, (size_t)n, &f, &err);
    return cli_save_figure(built, f, path, &err);
}

/* ---- the command ----------------------------------------------------------------------------- */

/* Limits and outputs, all checked before the first step. */
static int check_run(const opts *o, run *runs, int n)
{
    double steps = 0, memory = 1 << 20;
    for (int r = 0; r < n; r++) {
        double k = (double)st_sim_steps(&runs[r].cfg);
        steps += k;
        /* the plot keeps every point, or a min/max pair per bin, in arrays that double */
        if (o->plot)
            memory += 2.0 * 3.0 * sizeof(double) * fmin(k + 1, PLOT_FULL + 2.0);
    }
    if (steps > MAX_TOTAL_STEPS) {
        cli_error("--duration: the %d runs take %.3g steps together; a command may take at most "
                  "%.0e (use a shorter --duration or a larger --dt)",
                  n, steps, MAX_TOTAL_STEPS);
        return CLI_USAGE;
    }
    int rc = cli_memory_check(o->plot ? "--plot" : "simulate", "the run", (uint64_t)memory);
    if (rc)
        return rc;
    if (o->trace && n > 1) {
        cli_error("--trace: needs a single preset or feature, not 'all'");
        return CLI_USAGE;
    }
    double rows = o->trace ? steps + 2 : 0;
    if ((rc = cli_outputs_add("--trace", o->trace, CLI_OUT_FILE, cli_csv_bytes(rows, 4))) ||
        (rc = cli_outputs_add("--spikes", o->spikes, CLI_OUT_FILE, 0)) ||
        (rc = cli_outputs_add("--plot", o->plot, CLI_OUT_PLOT, 0)))
        return rc;
    return cli_outputs_check_space();
}

/* A blow-up under a current far outside any model's range is the current's fault: say so,
 * with its value, instead of suggesting a smaller step. */
static int report_fault(const run *r, const st_model_state *final, st_error *err)
{
    const st_sim_config *cfg = &r->cfg;
    uint64_t k = cfg->model->fault_step(final);
    double I = k ? st_stimulus_at(&cfg->stim, (double)(k - 1) * cfg->dt_ms) : 0.0;
    char why[200];
    if (err->code == ST_ERR_NUMERIC && k && fabs(I) > HUGE_CURRENT)
        st_error_set(err, ST_ERR_NUMERIC,
                     "simulation: v is not finite at t = %g ms (step %llu), where the input "
                     "current is %g: far outside what the model can follow; use a smaller input "
                     "(a smaller --dt only delays the blow-up)",
                     (double)k * cfg->dt_ms, (unsigned long long)k, I);
    else if (err->code == ST_ERR_NUMERIC && k && fabs(cfg->u0) > HUGE_CURRENT)
        st_error_set(err, ST_ERR_NUMERIC,
                     "simulation: v is not finite at t = %g ms (step %llu); --u0 is %g, far beyond "
                     "any recovery the model reaches: the likely cause, rather than the step",
                     (double)k * cfg->dt_ms, (unsigned long long)k, cfg->u0);
    else if (err->code == ST_ERR_NUMERIC && k &&
             cli_fault_suspect(cfg->model, &cfg->params, cfg->v0_mv, why, sizeof why))
        st_error_set(err, ST_ERR_NUMERIC,
                     "simulation: v is not finite at t = %g ms (step %llu); %s: the likely cause, "
                     "rather than the step (--dt %g ms)",
                     (double)k * cfg->dt_ms, (unsigned long long)k, why, cfg->dt_ms);
    return cli_report(err);
}

static int simulate_one(run *r, const opts *o, FILE *trace)
{
    st_error err = {0};
    uint64_t steps = st_sim_steps(&r->cfg);
    if (o->plot) {
        r->plot = true;
        st_rows_init(&r->pb, 3, steps + 1, PLOT_FULL);
        if (st_rows_add(&r->pb, (double[3]){0.0, r->cfg.v0_mv,
                                            st_stimulus_at(&r->cfg.stim, 0.0)}))
            return cli_error("--plot: out of memory"), CLI_FAIL;
    }
    if (trace) {
        r->trace = trace;
        r->trace_path = o->trace;
        fputs("t_ms,I,v,u\n", r->trace);
        double row[4] = {0.0, st_stimulus_at(&r->cfg.stim, 0.0), r->cfg.v0_mv, r->cfg.u0};
        st_csv_row(r->trace, row, 4);
    }
    bool need_blocks = o->plot || trace || r->progress->enabled;
    st_model_state final;
    memset(&final, 0, sizeof final);
    if (st_sim_run(&r->cfg, need_blocks ? on_block : NULL, r, &r->spikes, &final, &err))
        return report_fault(r, &final, &err);
    return CLI_OK;
}

int cmd_simulate(int argc, char **argv)
{
    opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (o.max_memory && (rc = cli_memory_option(o.max_memory)))
        return rc;
    static run runs[MAX_RUNS];
    memset(runs, 0, sizeof runs);
    int n = build_runs(&o, runs);
    if (n < 0)
        return CLI_USAGE;
    if ((rc = check_run(&o, runs, n)))
        return rc;
    FILE *trace = NULL;
    if (o.trace && !(trace = cli_outputs_open(o.trace)))
        return CLI_FAIL;
    cli_progress progress;
    double total = 0;
    for (int r = 0; r < n; r++)
        total += (double)st_sim_steps(&runs[r].cfg);
    cli_progress_start(&progress, "simulate", "steps", total, false);
    double base = 0;
    for (int r = 0; r < n && !rc; r++) {
        runs[r].progress = &progress;
        runs[r].progress_base = base;
        rc = simulate_one(&runs[r], &o, trace);
        base += (double)st_sim_steps(&runs[r].cfg);
    }
    cli_progress_end(&progress);
    if (!rc && o.spikes)
        rc = write_spikes(o.spikes, runs, n);
    if (!rc && o.plot)
        rc = write_plot(o.plot, runs, n);
    if (!rc)
        rc = cli_outputs_commit(); /* all the files, or none of them */
    if (!rc) {
        if (o.json) {
            print_json(runs, n, &o);
        } else {
            for (int r = 0; r < n; r++)
                print_summary(&runs[r]);
            if (o.trace)
                printf("wrote trace %s\n", o.trace);
            if (o.spikes)
                printf("wrote spikes %s\n", o.spikes);
            if (o.plot)
                printf("wrote plot %s\n", o.plot);
        }
    }
    cli_outputs_abort();
    for (int r = 0; r < n; r++) {
        st_spikes_free(&runs[r].spikes);
        st_rows_free(&runs[r].pb);
    }
    return rc;
}
