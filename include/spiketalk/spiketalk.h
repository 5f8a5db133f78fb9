/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libspiketalk: model neurons driven by stimulus protocols and by sound. The umbrella header. */
#ifndef SPIKETALK_SPIKETALK_H
#define SPIKETALK_SPIKETALK_H

/* The whole public API: the core (models, stimuli, stages, the pipeline engine) and the
 * outside world (files, devices and live sessions, plots and figures, traces). */
#include "spiketalk/audio.h"
#include "spiketalk/backend.h"
#include "spiketalk/cable.h"
#include "spiketalk/cortex.h"
#include "spiketalk/cortex-worker.h"
#include "spiketalk/dsp.h"
#include "spiketalk/figure.h"
#include "spiketalk/filterbank.h"
#include "spiketalk/hh.h"
#include "spiketalk/hh-protocol.h"
#include "spiketalk/integrator.h"
#include "spiketalk/izh.h"
#include "spiketalk/izh07.h"
#include "spiketalk/live.h"
#include "spiketalk/network.h"
#include "spiketalk/network-io.h"
#include "spiketalk/number.h"
#include "spiketalk/options.h"
#include "spiketalk/output.h"
#include "spiketalk/pipeline.h"
#include "spiketalk/plot.h"
#include "spiketalk/registry.h"
#include "spiketalk/report.h"
#include "spiketalk/ring.h"
#include "spiketalk/sim.h"
#include "spiketalk/sonify.h"
#include "spiketalk/spikes.h"
#include "spiketalk/status.h"
#include "spiketalk/stimulus.h"
#include "spiketalk/stream.h"
#include "spiketalk/trace.h"

#define SPIKETALK_VERSION "0.1.0"

#endif
