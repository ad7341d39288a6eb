package org.gradreg.trainer.report;

import java.awt.BasicStroke;
import java.awt.Color;
import org.knowm.xchart.style.lines.SeriesLines;

/** Ten colours that stay apart (matplotlib's tab10), and line styles to tell series apart in grey print. */
final class FigureStyle {

    private FigureStyle() {
    }

    static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    static final BasicStroke[] STROKES = {SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT, SeriesLines.DASH_DOT};

    static Color color(int i) {
        return COLORS[i % COLORS.length];
    }
}
