#include "WindowState.h"

#include <QGuiApplication>
#include <QQuickWindow>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>

namespace soundlab {

QString WindowState::defaultPath() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/soundlab/window.conf");
}

void WindowState::restore(QQuickWindow& window) const {
    const QSettings state(path_, QSettings::IniFormat);
    const QRect geometry = state.value(QStringLiteral("window/geometry")).toRect();
    bool onScreen = false;
    for (const QScreen* screen : QGuiApplication::screens())
        onScreen |= screen->availableGeometry().intersects(geometry);
    if (geometry.isValid() && onScreen) window.setGeometry(geometry);
    if (state.value(QStringLiteral("window/maximized")).toBool())
        window.setVisibility(QWindow::Maximized);
    if (state.contains(QStringLiteral("window/tab")))
        window.setProperty("currentTab", state.value(QStringLiteral("window/tab")).toInt());
}

void WindowState::save(const QQuickWindow& window) const {
    QSettings state(path_, QSettings::IniFormat);
    const bool maximized = window.visibility() == QWindow::Maximized;
    state.setValue(QStringLiteral("window/maximized"), maximized);
    // Maximised, the geometry is the screen's; keep the one to go back to.
    if (!maximized) state.setValue(QStringLiteral("window/geometry"), window.geometry());
    state.setValue(QStringLiteral("window/tab"), window.property("currentTab").toInt());
}

}  // namespace soundlab
