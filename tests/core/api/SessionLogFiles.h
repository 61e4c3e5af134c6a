#pragma once

// Reading the real program's session logs as a user would (zcat, a CSV reader, a JSON parser),
// and the curl calls the session-log process tests share.

#include "SoundlabProcess.h"

#include <gtest/gtest.h>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>

namespace soundlab::api::test {

inline const QStringList kLogCategories = {"audio_engine", "phi_modulator", "metrics", "latency",
                                           "presets"};

inline CurlResult postJson(const QString& url, const QByteArray& body,
                           const QString& method = "POST") {
    return curl({"-X", method, "-H", "Content-Type: application/json", "--data-binary",
                 QString::fromUtf8(body), url});
}

inline QList<QJsonObject> jsonRecords(const QByteArray& content) {
    QList<QJsonObject> records;
    for (const QByteArray& line : content.split('\n')) {
        if (line.isEmpty()) continue;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        EXPECT_EQ(error.error, QJsonParseError::NoError) << line.toStdString();
        records.append(document.object());
    }
    return records;
}

inline QStringList typesOf(const QList<QJsonObject>& records) {
    QStringList types;
    for (const QJsonObject& record : records) types << record.value("type").toString();
    return types;
}

inline QList<QJsonObject> recordsOfType(const QList<QJsonObject>& records, const QString& type) {
    QList<QJsonObject> matching;
    for (const QJsonObject& record : records)
        if (record.value("type") == type) matching << record;
    return matching;
}

// What `zcat FILE` prints: the tool a user would reach for.
inline QByteArray zcat(const QString& path) {
    QProcess process;
    process.start("zcat", {path});
    process.waitForFinished(10000);
    EXPECT_EQ(process.exitCode(), 0) << path.toStdString();
    return process.readAllStandardOutput();
}

// RFC 4180 rows (quoted fields may hold commas, quotes and newlines), as a spreadsheet reads them.
inline QList<QStringList> csvRows(const QByteArray& content) {
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    const QString text = QString::fromUtf8(content);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row << field;
            field.clear();
        } else if (c == '\n') {
            row << field;
            rows << row;
            row.clear();
            field.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    EXPECT_FALSE(quoted) << "unterminated quoted CSV field";
    EXPECT_TRUE(field.isEmpty() && row.isEmpty()) << "CSV without a final newline";
    return rows;
}

inline QString sessionOf(const QString& base) {
    return curl({base + "/api/status"})
        .json()
        .value("logging")
        .toObject()
        .value("session")
        .toString();
}

inline QString logFile(const QString& root, const QString& session, const QString& category,
                       const QString& extension) {
    return root + "/" + category + "/" + session + "_" + category + "." + extension;
}

}  // namespace soundlab::api::test
