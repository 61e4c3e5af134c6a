#pragma once

#include <QString>

#include <optional>

namespace soundlab::logging {

// Compresses `source` into `source + ".gz"` (gzip, zlib level 6: what zcat, pandas and R read),
// write-then-rename: the .gz appears complete or not at all. Removes `source` once the .gz is in
// place. Returns an error message on failure, leaving `source` as it was.
std::optional<QString> gzipAndRemove(const QString& source);

// The whole decompressed content of a .gz file (tests, small files).
std::optional<QByteArray> gunzipFile(const QString& path);

}  // namespace soundlab::logging
