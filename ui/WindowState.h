#pragma once

#include <QString>

class QQuickWindow;

namespace soundlab {

// How the window looked when it was closed: geometry, maximised or not, the open tab (the
// window's `currentTab` property). Window state, not a setting: its own file beside the
// settings, $XDG_CONFIG_HOME/soundlab/window.conf.
class WindowState {
public:
    static QString defaultPath();
    explicit WindowState(QString path) : path_(std::move(path)) {}

    // Puts `window` back as it was (a geometry off every screen is ignored).
    void restore(QQuickWindow& window) const;
    void save(const QQuickWindow& window) const;

private:
    QString path_;
};

}  // namespace soundlab
