#include "PortAudioBackend.h"

#include "rt/RealtimeSection.h"

#include <alsa/asoundlib.h>
#include <jack/jack.h>
#include <portaudio.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace soundlab {

namespace {

// ALSA prints every failed probe of a card that is not there; on a machine without a sound card
// that is pages of noise. Our own errors are reported through PortAudio's return codes.
void quietAlsaErrors(const char*, int, const char*, int, const char*, ...) {}

void quietJack(const char*) {}
void jackToStderr(const char* message) {
    std::fprintf(stderr, "jack: %s\n", message);
}

// Set once a dead stream had to be abandoned; Pa_Terminate would hang trying to close it.
std::atomic<bool> g_streamAbandoned{false};

QString paError(PaError code) {
    return QString::fromUtf8(Pa_GetErrorText(code));
}

// PortAudio's audio thread enters here; it only translates the block and calls the chain.
int streamCallback(const void* input, void* output, unsigned long frames,
                   const PaStreamCallbackTimeInfo* time, PaStreamCallbackFlags flags,
                   void* userData) {
    const rt::RealtimeSection realtime;
    const auto& target = *static_cast<const PortAudioBackend::CallbackTarget*>(userData);
    auto* const* out = static_cast<float* const*>(output);
    AudioBlock block;
    // Non-interleaved: one buffer per opened channel; the engine hears the chosen one.
    block.input = static_cast<const float* const*>(input)[target.inputChannel];
    block.left = out[0];
    block.right = out[1];
    block.frames = int(frames);
    block.inputTime = time->inputBufferAdcTime;
    block.outputTime = time->outputBufferDacTime;
    block.status = ((flags & paInputOverflow) ? kInputOverflow : 0u) |
                   ((flags & paOutputUnderflow) ? kOutputUnderflow : 0u);
    target.callback->process(block);
    return paContinue;
}

}  // namespace

PortAudioSession::PortAudioSession() {
    snd_lib_error_set_handler(quietAlsaErrors);
    // Never let libjack spawn a server of its own.
    setenv("JACK_NO_START_SERVER", "1", 0);
    initialise();
}

void PortAudioSession::initialise() {
    // PortAudio's JACK host API connects to the default server during Pa_Initialize. Point
    // libjack at a server that cannot exist meanwhile, so PortAudio finds no JACK (JackBackend
    // serves it) and leaves no client of its own in the graph. Control threads only, serialised
    // by AudioEngine, like JackBackend's own client_open.
    const QByteArray server = qgetenv("JACK_DEFAULT_SERVER");
    const bool hadServer = qEnvironmentVariableIsSet("JACK_DEFAULT_SERVER");
    qputenv("JACK_DEFAULT_SERVER", "soundlab-portaudio-without-jack");
    jack_set_error_function(quietJack);
    jack_set_info_function(quietJack);
    const PaError err = Pa_Initialize();
    jack_set_error_function(jackToStderr);
    if (hadServer)
        qputenv("JACK_DEFAULT_SERVER", server);
    else
        qunsetenv("JACK_DEFAULT_SERVER");
    ok_ = err == paNoError;
    error_ = ok_ ? QString() : QStringLiteral("PortAudio failed to initialise: %1").arg(paError(err));
}

void PortAudioSession::reinitialise() {
    if (g_streamAbandoned) return;
    if (ok_) Pa_Terminate();
    initialise();
}

PortAudioSession::~PortAudioSession() {
    if (ok_ && !g_streamAbandoned) Pa_Terminate();
}

QList<AudioDeviceInfo> PortAudioSession::devices() const {
    QList<AudioDeviceInfo> list;
    if (!ok_) return list;
    const int count = Pa_GetDeviceCount();
    for (int i = 0; i < count; ++i) {
        const PaDeviceInfo* device = Pa_GetDeviceInfo(i);
        if (!device) continue;
        const PaHostApiInfo* api = Pa_GetHostApiInfo(device->hostApi);
        AudioDeviceInfo info;
        info.index = i;
        info.name = QString::fromUtf8(device->name);
        info.hostApi = api ? QString::fromUtf8(api->name) : QString();
        info.maxInputChannels = device->maxInputChannels;
        info.maxOutputChannels = device->maxOutputChannels;
        info.defaultSampleRate = device->defaultSampleRate;
        info.isDefaultInput = i == Pa_GetDefaultInputDevice();
        info.isDefaultOutput = i == Pa_GetDefaultOutputDevice();
        list.append(info);
    }
    return list;
}

PortAudioBackend::PortAudioBackend() = default;

PortAudioBackend::~PortAudioBackend() {
    stop();
}

std::optional<QString> PortAudioBackend::start(const BackendStreamConfig& config,
                                               AudioCallback& callback) {
    stop();
    const PaDeviceInfo* inDevice = Pa_GetDeviceInfo(config.inputDevice);
    const PaDeviceInfo* outDevice = Pa_GetDeviceInfo(config.outputDevice);
    if (!inDevice || !outDevice) return QStringLiteral("no such PortAudio device");
    if (inDevice->maxInputChannels < 1)
        return QStringLiteral("device '%1' has no input channel").arg(inDevice->name);
    if (config.inputChannel < 0 || config.inputChannel >= inDevice->maxInputChannels)
        return QStringLiteral("input channel %1 does not exist on '%2' (it has %3: 0 to %4)")
            .arg(config.inputChannel)
            .arg(QString::fromUtf8(inDevice->name))
            .arg(inDevice->maxInputChannels)
            .arg(inDevice->maxInputChannels - 1);
    if (outDevice->maxOutputChannels < 2)
        return QStringLiteral("device '%1' has fewer than 2 output channels").arg(outDevice->name);

    PaStreamParameters in{};
    in.device = config.inputDevice;
    // Channels 0…N are opened so that channel N, the chosen one, is delivered.
    in.channelCount = config.inputChannel + 1;
    in.sampleFormat = paFloat32 | paNonInterleaved;
    in.suggestedLatency = inDevice->defaultLowInputLatency;
    PaStreamParameters out{};
    out.device = config.outputDevice;
    out.channelCount = 2;
    out.sampleFormat = paFloat32 | paNonInterleaved;
    out.suggestedLatency = outDevice->defaultLowOutputLatency;

    const PaHostApiInfo* api = Pa_GetHostApiInfo(outDevice->hostApi);
    const bool hostHasPeriod = api && api->type == paJACK;
    const bool followHost = hostHasPeriod && config.preferHostPeriod;
    const unsigned long framesPerBuffer =
        followHost ? paFramesPerBufferUnspecified : (unsigned long)config.blockSize;

    PaError err = Pa_IsFormatSupported(&in, &out, config.sampleRate);
    if (err != paFormatIsSupported)
        return QStringLiteral("%1 Hz duplex is not supported by '%2' → '%3': %4")
            .arg(config.sampleRate)
            .arg(inDevice->name, outDevice->name, paError(err));

    // The chain splits larger host periods into blocks of at most this size.
    callback.prepare(config.sampleRate, config.blockSize);
    // Our own limiter keeps samples in range; PortAudio's clipping would only cost time.
    target_ = {&callback, config.inputChannel};
    err = Pa_OpenStream(&stream_, &in, &out, config.sampleRate, framesPerBuffer, paClipOff,
                        &streamCallback, &target_);
    if (err != paNoError) {
        stream_ = nullptr;
        return QStringLiteral("cannot open the stream: %1%2")
            .arg(paError(err),
                 hostHasPeriod ? QStringLiteral(" (is the JACK server running?)") : QString());
    }
    err = Pa_StartStream(stream_);
    if (err != paNoError) {
        Pa_CloseStream(stream_);
        stream_ = nullptr;
        return QStringLiteral("cannot start the stream: %1").arg(paError(err));
    }

    const PaStreamInfo* streamInfo = Pa_GetStreamInfo(stream_);
    info_ = {};
    info_.backend = QStringLiteral("portaudio");
    info_.hostApi = api ? QString::fromUtf8(api->name) : QString();
    info_.inputDevice = QString::fromUtf8(inDevice->name);
    info_.outputDevice = QString::fromUtf8(outDevice->name);
    info_.sampleRate = streamInfo ? streamInfo->sampleRate : config.sampleRate;
    info_.hostPeriod = followHost;
    info_.blockSize = config.blockSize;
    info_.inputLatency = streamInfo ? streamInfo->inputLatency : 0.0;
    info_.outputLatency = streamInfo ? streamInfo->outputLatency : 0.0;
    return std::nullopt;
}

void PortAudioBackend::stop() {
    if (!stream_) return;
    if (Pa_IsStreamActive(stream_) != 1) {
        // Our callback never ends a stream, so it died by itself (JACK server gone, device
        // unplugged). PortAudio's stop and close would wait for a callback that never comes
        // (seen with JACK), so the dead stream is abandoned, and PortAudio is not terminated at
        // exit either: a small leak instead of a hang.
        g_streamAbandoned = true;
        stream_ = nullptr;
        return;
    }
    Pa_StopStream(stream_);
    Pa_CloseStream(stream_);
    stream_ = nullptr;
}

bool PortAudioBackend::isRunning() const {
    return stream_ && Pa_IsStreamActive(stream_) == 1;
}

}  // namespace soundlab
