/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The flags of a network and of one that listens, shared by `network` and `live --net`: the
 * network, its bands, their drive and stages; the rules are the library's (cortex.h). */
#include <string.h>

#include "cli.h"

int cli_net_config(const cli_net_opts *o, st_net_config *c)
{
    uint64_t x;
    uint32_t neurons = 0, synapses = 0;
    if (o->neurons) {
        if (!cli_whole("--neurons", o->neurons, 5, ST_NET_MAX_NEURONS, &x))
            return CLI_USAGE;
        neurons = (uint32_t)x;
    }
    if (o->synapses) {
        if (!cli_whole("--synapses", o->synapses, 1, ST_NET_MAX_NEURONS, &x))
            return CLI_USAGE;
        synapses = (uint32_t)x;
    }
    st_error err = {0};
    if (st_net_preset(o->net ? o->net : "izh2003", neurons, synapses, c, &err))
        return cli_report(&err);
    if (o->seed) {
        if (!cli_whole("--seed", o->seed, 0, UINT64_MAX, &x))
            return CLI_USAGE;
        c->seed = x;
    }
    return CLI_OK;
}

bool cli_net_has_band_flags(const cli_net_opts *o)
{
    return o->bands || o->fmin || o->fmax || o->spacing || o->drive || o->gain || o->gate ||
           o->gate_k;
}

int cli_cortex_config(const cli_net_opts *o, const st_net_config *net, double fs_hz,
                      st_cortex_config *c)
{
    st_error err = {0};
    if (st_cortex_config_default(c, "izh2003", 5, 0, 1, fs_hz, &err))
        return cli_report(&err);
    c->net = *net;
    uint64_t x;
    if (o->bands) {
        if (!cli_whole("--bands", o->bands, 1, ST_FB_MAX_BANDS, &x))
            return CLI_USAGE;
        c->bank.bands = (size_t)x;
    } else {
        c->bank.bands = 16;
    }
    if (o->fmin && !cli_number("--fmin", o->fmin, &c->bank.fmin_hz))
        return CLI_USAGE;
    if (o->fmax && !cli_number("--fmax", o->fmax, &c->bank.fmax_hz))
        return CLI_USAGE;
    if ((o->spacing && st_fb_spacing_parse(o->spacing, &c->bank.spacing, &err)) ||
        (o->drive && st_net_drive_parse(o->drive, &c->drive, &err)))
        return cli_report(&err);
    if (o->gain || o->gate || o->gate_k) {
        st_pipeline_options po;
        memset(&po, 0, sizeof po);
        po.gain = o->gain;
        po.gate = o->gate;
        po.gate_k = o->gate_k;
        if (st_pipeline_configure(&po, true, &c->front, &err))
            return cli_report(&err);
    }
    return st_cortex_check(c, &err) ? cli_report(&err) : CLI_OK;
}
