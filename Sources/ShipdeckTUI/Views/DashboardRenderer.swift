/// Draws one whole frame onto a `Screen`.
enum DashboardRenderer {
    static func draw(_ context: RenderContext, on screen: Screen) {
        screen.clear()
        guard let layout = DashboardLayout.compute(width: screen.width, height: screen.height,
                                                   gridRows: context.matrix.rows.count,
                                                   publishUnits: context.state.publish.units.count) else {
            drawTooSmall(context, on: screen)
            return
        }
        HeaderView(context: context).draw(in: layout.header, on: screen)
        if context.view.timeline {
            TimelineView(context: context).draw(in: layout.middle, on: screen)
        } else if context.view.zoomed {
            drawPane(context.view.focus, context, in: layout.middle, on: screen)
        } else {
            for pane in DashboardViewState.Pane.allCases where layout.shows(pane) {
                drawPane(pane, context, in: layout.rect(for: pane), on: screen)
            }
        }
        FooterView(context: context).draw(in: layout.footer, on: screen)
        OverlayView(context: context).draw(on: screen)
    }

    static func drawPane(_ pane: DashboardViewState.Pane, _ context: RenderContext, in rect: Rect, on screen: Screen) {
        switch pane {
        case .grid: MatrixGridView(context: context).draw(in: rect, on: screen)
        case .log: LogPaneView(context: context).draw(in: rect, on: screen)
        case .hashes: HashesPaneView(context: context).draw(in: rect, on: screen)
        case .signing: SigningPaneView(context: context).draw(in: rect, on: screen)
        case .publish:
            PublishPaneView(context: context, focused: context.view.focus == .publish,
                            selected: context.view.publishSelection).draw(in: rect, on: screen)
        }
    }

    /// Where `pane` is on screen now (zoomed: the whole middle).
    static func rect(of pane: DashboardViewState.Pane, layout: DashboardLayout, view: DashboardViewState) -> Rect? {
        if view.timeline { return nil }
        if view.zoomed { return view.focus == pane ? layout.middle : nil }
        return layout.rect(for: pane)
    }

    /// What replaces the layout below the minimum size: the longest wording that fits.
    static func drawTooSmall(_ context: RenderContext, on screen: Screen) {
        let x = context.glyphs.times
        let need = "\(DashboardLayout.minimumWidth)\(x)\(DashboardLayout.minimumHeight)"
        let now = "\(screen.width)\(x)\(screen.height)"
        let first = ["terminal too small (need \(need))", "too small: need \(need)", "need \(need)", need]
        let second = ["now \(now); q quits", "now \(now), q quits", "q quits", "q"]
        var lines: [String] = []
        if let line = first.first(where: { TextWidth.of($0) <= screen.width }) ?? first.last { lines.append(line) }
        if screen.height >= 2, let line = second.first(where: { TextWidth.of($0) <= screen.width }) { lines.append(line) }
        let top = max(0, (screen.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < screen.height {
            let clipped = TextWidth.clip(line, to: screen.width)
            let left = max(0, (screen.width - TextWidth.of(clipped)) / 2)
            screen.put(clipped, row: top + i, column: left, style: Style(i == 0 ? .failed : .dim))
        }
    }
}
