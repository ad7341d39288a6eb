package org.gradreg.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ordered set of named tensors: the parameters of a model, or a gradient with the same names.
 *
 * <p>The tensors are held by reference, so editing them in place edits the model they came from
 * (that is how estimators perturb a SameDiff network and how update rules apply a step). The few
 * operations gradient estimators need are here: global L2 norm, dot product, axpy, copy and
 * in-place restore. All arithmetic runs in the tensors' own data type (DOUBLE or FLOAT).
 */
public final class Params implements Iterable<Map.Entry<String, INDArray>> {

    private final LinkedHashMap<String, INDArray> tensors;

    private Params(LinkedHashMap<String, INDArray> tensors) {
        this.tensors = tensors;
    }

    /** Wraps the given tensors (no copy), keeping the map's iteration order. */
    public static Params of(Map<String, INDArray> tensors) {
        Objects.requireNonNull(tensors, "tensors");
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("Params needs at least one tensor");
        }
        LinkedHashMap<String, INDArray> copy = new LinkedHashMap<>();
        DataType type = null;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = Objects.requireNonNull(e.getValue(), () -> "tensor '" + e.getKey() + "' is null");
            if (!a.dataType().isFPType()) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has non-floating type " + a.dataType());
            }
            if (type != null && type != a.dataType()) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is " + a.dataType()
                        + " but earlier tensors are " + type + "; use one data type for all parameters");
            }
            type = a.dataType();
            copy.put(e.getKey(), a);
        }
        return new Params(copy);
    }

    /** One tensor called {@code name}. */
    public static Params of(String name, INDArray tensor) {
        return of(Map.of(name, tensor));
    }

    /** A single vector parameter {@code theta} in double precision, convenient for analytic objectives. */
    public static Params vector(double... theta) {
        return of("theta", Nd4j.createFromArray(theta.clone()));
    }

    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(tensors.keySet()));
    }

    /** The tensors by name, in order (read-only view; the arrays are live). */
    public Map<String, INDArray> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public INDArray get(String name) {
        INDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "'; have " + tensors.keySet());
        }
        return a;
    }

    public int size() {
        return tensors.size();
    }

    /** Total number of elements over all tensors. */
    public long numel() {
        long n = 0;
        for (INDArray a : tensors.values()) {
            n += a.length();
        }
        return n;
    }

    public DataType dataType() {
        return tensors.values().iterator().next().dataType();
    }

    @Override
    public Iterator<Map.Entry<String, INDArray>> iterator() {
        return Collections.unmodifiableMap(tensors).entrySet().iterator();
    }

    /** Global L2 norm over every element of every tensor. */
    public double norm2() {
        double sumSq = 0;
        for (INDArray a : tensors.values()) {
            double n = a.norm2Number().doubleValue();
            sumSq += n * n;
        }
        return Math.sqrt(sumSq);
    }

    /** Sum over all tensors of the element-wise products with {@code other} (same names). */
    public double dot(Params other) {
        requireSameNames(other);
        double s = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            INDArray b = other.tensors.get(e.getKey());
            s += Nd4j.getBlasWrapper().dot(a.reshape(a.length()), b.reshape(b.length()));
        }
        return s;
    }

    /** In place: {@code this += alpha * x} for every tensor. */
    public Params addScaled(double alpha, Params x) {
        requireSameNames(x);
        if (alpha == 0) {
            return this;
        }
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            axpy(alpha, x.tensors.get(e.getKey()), e.getValue());
        }
        return this;
    }

    /**
     * In place: {@code y += a·x} for one tensor. BLAS axpy walks both buffers linearly, which is
     * right only when they share one contiguous layout; otherwise (a transposed 'f'-order gradient
     * from a matrix product, a view) ND4J's element-wise op, which respects logical indices, is used.
     */
    public static void axpy(double a, INDArray x, INDArray y) {
        if (x.ordering() == y.ordering() && x.elementWiseStride() == 1 && y.elementWiseStride() == 1
                && !x.isView() && !y.isView() && java.util.Arrays.equals(x.shape(), y.shape())) {
            Nd4j.getBlasWrapper().level1().axpy(y.length(), a, x, y);
        } else {
            y.addi(x.mul(a));
        }
    }

    /** In place: multiplies every tensor by {@code c}. */
    public Params scale(double c) {
        for (INDArray a : tensors.values()) {
            a.muli(c);
        }
        return this;
    }

    /** A deep copy (new arrays, same names and order). */
    public Params copy() {
        LinkedHashMap<String, INDArray> c = new LinkedHashMap<>();
        tensors.forEach((k, v) -> c.put(k, v.dup()));
        return new Params(c);
    }

    /** Zeros with the same names, shapes and data type. */
    public Params zerosLike() {
        LinkedHashMap<String, INDArray> c = new LinkedHashMap<>();
        tensors.forEach((k, v) -> c.put(k, Nd4j.zeros(v.dataType(), v.shape())));
        return new Params(c);
    }

    /** In place: copies the values of {@code source} into these tensors (same names and shapes). */
    public Params assign(Params source) {
        requireSameNames(source);
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            e.getValue().assign(source.tensors.get(e.getKey()));
        }
        return this;
    }

    /** A new Params whose tensors are {@code f(name, tensor)}, same names and order. */
    public Params map(BiFunction<String, INDArray, INDArray> f) {
        LinkedHashMap<String, INDArray> c = new LinkedHashMap<>();
        tensors.forEach((k, v) -> c.put(k, f.apply(k, v)));
        return new Params(c);
    }

    /**
     * The name of the first tensor holding a NaN or an infinity, or {@code null} when all are finite.
     */
    public String firstNonFinite() {
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            // sum is NaN/Inf iff some element is (or the sum overflows, which is no better for a step)
            double s = e.getValue().sumNumber().doubleValue();
            if (!Double.isFinite(s)) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Throws {@link NonFiniteException} naming the tensor and {@code what} if any element is NaN or infinite. */
    public Params requireFinite(String what) {
        String bad = firstNonFinite();
        if (bad != null) {
            throw new NonFiniteException(what + ": tensor '" + bad + "' holds NaN or Inf");
        }
        return this;
    }

    /** Throws unless {@code other} has exactly these names, in this order, with equal shapes. */
    public void requireSameNames(Params other) {
        if (other == this) {
            return;
        }
        if (!tensors.keySet().equals(other.tensors.keySet())) {
            throw new IllegalArgumentException("tensor names differ: " + tensors.keySet() + " vs " + other.tensors.keySet());
        }
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray b = other.tensors.get(e.getKey());
            if (e.getValue().length() != b.length()) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has " + e.getValue().length()
                        + " elements here but " + b.length() + " in the other set");
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Params[");
        int shown = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            if (shown == 6) {
                sb.append(", … ").append(tensors.size() - shown).append(" more");
                break;
            }
            if (shown++ > 0) {
                sb.append(", ");
            }
            INDArray a = e.getValue();
            sb.append(e.getKey()).append(' ').append(java.util.Arrays.toString(a.shape()));
            if (a.length() <= 4) {
                sb.append('=').append(java.util.Arrays.toString(a.dup().castTo(DataType.DOUBLE).data().asDouble()));
            }
        }
        return sb.append("; ").append(numel()).append(' ').append(dataType()).append(']').toString();
    }
}
