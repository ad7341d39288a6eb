package org.gradreg.trainer.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A reader for IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST
 * (http://yann.lecun.com/exdb/mnist/, "file formats"): a 4-byte big-endian magic number
 * {@code 0x00 0x00 type rank} (type {@code 0x08} = unsigned byte), then {@code rank} big-endian
 * 32-bit dimensions, then the data, last index fastest (images: n × rows × columns, row-major).
 *
 * <p>A file whose name ends in {@code .gz} must be gzip-compressed; any other file is read as is,
 * unless it starts with gzip's magic bytes (which no IDX file can: its first two bytes are 0). The
 * file must hold exactly the bytes its header declares. Every problem (missing, truncated, too
 * long, wrong magic number, not gzip, corrupt gzip data) raises a {@link DataFormatException} with
 * a one-line message that names the file.
 */
public final class Idx {

    /** IDX type code of unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;

    /**
     * A file's contents.
     *
     * @param file  the file read
     * @param dims  its dimensions, from the header
     * @param data  the data bytes, {@code Π dims} of them
     */
    public record Contents(Path file, int[] dims, byte[] data) {
    }

    private Idx() {
    }

    /** The magic number of an unsigned-byte IDX file of {@code rank} dimensions: 0x00000801 labels, 0x00000803 images. */
    public static int magic(int rank) {
        return (UNSIGNED_BYTE << 8) | rank;
    }

    /**
     * Reads an unsigned-byte IDX file of {@code rank} dimensions.
     *
     * @param file  the file ({@code .gz}: gzip-compressed)
     * @param rank  expected number of dimensions (1 for labels, 3 for images)
     * @param what  what the file is, for messages, e.g. "Fashion-MNIST training images"
     */
    public static Contents read(Path file, int rank, String what) {
        String label = what + " file " + file;
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(label + " not found");
        }
        boolean gzNamed = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(4);
            byte[] head = raw.readNBytes(4);
            raw.reset();
            boolean gzip = head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
            if (gzNamed && !gzip) {
                throw new DataFormatException(label + " is not gzip-compressed (" + describeStart(head) + ")"
                        + (head.length == 4 && head[0] == 0 && head[1] == 0 && head[2] == UNSIGNED_BYTE
                        ? "; it looks like an uncompressed IDX file: name it without .gz" : ""));
            }
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            return parse(in, file, rank, label, gzip);
        } catch (EOFException e) {
            throw new DataFormatException(label + " is truncated: its gzip stream ends early", e);
        } catch (ZipException e) {
            throw new DataFormatException(label + " has corrupt gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DataFormatException("cannot read " + label + ": " + e.getMessage(), e);
        }
    }

    private static Contents parse(InputStream in, Path file, int rank, String label, boolean gzip) throws IOException {
        int headerBytes = 4 + 4 * rank;
        byte[] header = in.readNBytes(headerBytes);
        if (header.length < 4) {
            throw new DataFormatException(label + " is truncated: " + header.length + " bytes" + (gzip ? " after decompression" : "")
                    + ", not even the 4-byte IDX magic number");
        }
        int magic = readInt(header, 0);
        int expected = magic(rank);
        if (magic != expected) {
            throw new DataFormatException(String.format(Locale.ROOT,
                    "%s has the wrong magic number 0x%08X, expected 0x%08X (IDX, unsigned bytes, %d dimension%s)%s",
                    label, magic, expected, rank, rank == 1 ? "" : "s", magicHint(magic, rank)));
        }
        if (header.length < headerBytes) {
            throw new DataFormatException(label + " is truncated: it ends inside its " + headerBytes + "-byte header");
        }
        int[] dims = new int[rank];
        long total = 1;
        StringBuilder shape = new StringBuilder();
        for (int d = 0; d < rank; d++) {
            dims[d] = readInt(header, 4 + 4 * d);
            if (dims[d] < 0) {
                throw new DataFormatException(label + " declares a negative dimension " + dims[d] + ": not a valid IDX file");
            }
            total *= dims[d];
            shape.append(d == 0 ? "" : "×").append(dims[d]);
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(label + " declares " + shape + "… data bytes, more than can be held: not a valid IDX file");
            }
        }
        byte[] data = new byte[(int) total];
        int got = 0;
        while (got < data.length) {
            int r;
            try {
                r = in.read(data, got, Math.min(1 << 20, data.length - got));
            } catch (EOFException e) {
                r = -1;
            }
            if (r < 0) {
                throw new DataFormatException(String.format(Locale.ROOT,
                        "%s is truncated: its header declares %s = %d data bytes but it ends after %d of them",
                        label, shape, total, got));
            }
            got += r;
        }
        int extra;
        try {
            extra = in.read();
        } catch (EOFException e) {
            throw new DataFormatException(label + " is truncated: its gzip stream ends early (data complete, gzip trailer missing)", e);
        }
        if (extra >= 0) {
            throw new DataFormatException(String.format(Locale.ROOT,
                    "%s is too long: more than the %d + %d bytes its header (%s) declares",
                    label, headerBytes, total, shape));
        }
        return new Contents(file, dims, data);
    }

    private static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static String describeStart(byte[] head) {
        if (head.length == 0) {
            return "it is empty";
        }
        StringBuilder sb = new StringBuilder("it starts with");
        for (byte b : head) {
            sb.append(String.format(Locale.ROOT, " %02x", b & 0xff));
        }
        return sb.append(", gzip starts with 1f 8b").toString();
    }

    private static String magicHint(int magic, int rank) {
        if ((magic >>> 16) != 0) {
            return ": not an IDX file";
        }
        int type = (magic >>> 8) & 0xff;
        int r = magic & 0xff;
        if (type != UNSIGNED_BYTE) {
            return String.format(Locale.ROOT, ": IDX data type 0x%02X instead of unsigned bytes", type);
        }
        if (rank == 1 && r == 3) {
            return ": an image file where a label file belongs?";
        }
        if (rank == 3 && r == 1) {
            return ": a label file where an image file belongs?";
        }
        return ": " + r + " dimensions";
    }
}
