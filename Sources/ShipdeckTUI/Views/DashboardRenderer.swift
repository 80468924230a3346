/// Draws one whole frame onto a `Screen`.
enum DashboardRenderer {
    static func draw(_ context: RenderContext, on screen: Screen) {
        screen.clear()
        guard let layout = DashboardLayout.compute(width: screen.width, height: screen.height,
                                                   gridRows: context.matrix.rows.count) else {
            drawTooSmall(context, on: screen)
            return
        }
        HeaderView(context: context).draw(in: layout.header, on: screen)
        MatrixGridView(context: context).draw(in: layout.grid, on: screen)
        LogPaneView(context: context).draw(in: layout.log, on: screen)
        HashesPaneView(context: context).draw(in: layout.hashes, on: screen)
        SigningPaneView(context: context).draw(in: layout.signing, on: screen)
        FooterView(context: context).draw(in: layout.footer, on: screen)
        OverlayView(context: context).draw(on: screen)
    }

    /// What replaces the layout below the minimum size.
    static func drawTooSmall(_ context: RenderContext, on screen: Screen) {
        let x = context.glyphs.times
        let lines = [
            "terminal too small (need \(DashboardLayout.minimumWidth)\(x)\(DashboardLayout.minimumHeight))",
            "now \(screen.width)\(x)\(screen.height); q quits",
        ]
        let top = max(0, (screen.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < screen.height {
            let clipped = TextWidth.clip(line, to: screen.width)
            let left = max(0, (screen.width - TextWidth.of(clipped)) / 2)
            screen.put(clipped, row: top + i, column: left, style: Style(i == 0 ? .failed : .dim))
        }
    }
}
