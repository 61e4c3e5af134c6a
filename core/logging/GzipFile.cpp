#include "logging/GzipFile.h"

#include <QFile>

#include <zlib.h>

#include <array>
#include <cstdio>

namespace soundlab::logging {

std::optional<QString> gzipAndRemove(const QString& source) {
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1: %2").arg(source, in.errorString());
    const QString target = source + QStringLiteral(".gz");
    const QString partial = target + QStringLiteral(".part");
    gzFile out = gzopen(QFile::encodeName(partial).constData(), "wb6");
    if (out == nullptr) return QStringLiteral("cannot write %1").arg(partial);
    std::array<char, 1 << 16> buffer;
    bool ok = true;
    for (;;) {
        const qint64 got = in.read(buffer.data(), buffer.size());
        if (got < 0) {
            ok = false;
            break;
        }
        if (got == 0) break;
        if (gzwrite(out, buffer.data(), static_cast<unsigned>(got)) != got) {
            ok = false;
            break;
        }
    }
    ok = gzclose(out) == Z_OK && ok;
    if (!ok) {
        QFile::remove(partial);
        return QStringLiteral("cannot compress %1 (disk full?)").arg(source);
    }
    QFile::remove(target);  // a stale one from an interrupted earlier attempt
    if (!QFile::rename(partial, target)) {
        QFile::remove(partial);
        return QStringLiteral("cannot rename %1").arg(partial);
    }
    in.close();
    QFile::remove(source);
    return std::nullopt;
}

std::optional<QByteArray> gunzipFile(const QString& path) {
    gzFile in = gzopen(QFile::encodeName(path).constData(), "rb");
    if (in == nullptr) return std::nullopt;
    QByteArray content;
    std::array<char, 1 << 16> buffer;
    for (;;) {
        const int got = gzread(in, buffer.data(), buffer.size());
        if (got < 0) {
            gzclose(in);
            return std::nullopt;
        }
        if (got == 0) break;
        content.append(buffer.data(), got);
    }
    gzclose(in);
    return content;
}

}  // namespace soundlab::logging
