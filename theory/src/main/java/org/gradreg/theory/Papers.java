package org.gradreg.theory;

import java.util.LinkedHashMap;
import java.util.Map;

/** The five papers the ledger checks: slug (a claim's {@code paper()}) to full citation. */
public final class Papers {

    private Papers() {
    }

    public static final String GR = "gr-penalizing-gradient-norm";
    public static final String HARMFUL_GR = "gr-warmup-when-gr-is-harmful";
    public static final String GNR = "gnr-gradient-norm-regularizer";
    public static final String AGR = "agr-adaptive-gradient-regularization";
    public static final String SWD = "swd-scheduled-weight-decay";

    /** Slug to citation (title, authors, venue, public link), in ledger order. */
    public static final Map<String, String> ALL;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(GR, "Y. Zhao, H. Zhang, X. Hu. *Penalizing Gradient Norm for Efficiently Improving Generalization in Deep Learning*. "
                + "ICML 2022. https://arxiv.org/abs/2202.03599");
        m.put(HARMFUL_GR, "Y. Zhao, H. Zhang, X. Hu. *When Will Gradient Regularization Be Harmful?* ICML 2024. "
                + "https://arxiv.org/abs/2406.09723");
        m.put(GNR, "Anonymous authors. *Gradient Norm Regularizer Seeks Flat Minima and Improves Generalization*. "
                + "ICLR 2023 submission (OpenReview).");
        m.put(AGR, "H. Jiang, L. Yang, Y. Bao, R. Si, S. Yang. *Adaptive Gradient Regularization: A Faster and Generalizable "
                + "Optimization Technique for Deep Neural Networks*. AAAI 2025. https://arxiv.org/abs/2407.16944");
        m.put(SWD, "Z. Xie, Z. Xu, J. Zhang, I. Sato, M. Sugiyama. *On the Overlooked Pitfalls of Weight Decay and How to Mitigate "
                + "Them: A Gradient-Norm Perspective*. NeurIPS 2023. https://arxiv.org/abs/2011.11152");
        ALL = java.util.Collections.unmodifiableMap(m);
    }
}
