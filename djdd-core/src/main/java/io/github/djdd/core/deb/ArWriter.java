package io.github.djdd.core.deb;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The {@code ar} container of a .deb, written into a file: members whose size is known are
 * written at once; a streamed member gets its header's size filled in when it is closed, so
 * a large compressed data archive never needs a buffer or a work file. Every member is owned
 * by root, mode 0644, with the given time, as dpkg-deb writes them.
 */
final class ArWriter {
    private static final int HEADER = 60;

    private final FileChannel file;
    private final long mtime;

    ArWriter(FileChannel file, long mtimeSeconds) throws IOException {
        this.file = file;
        this.mtime = mtimeSeconds;
        write(ByteBuffer.wrap("!<arch>\n".getBytes(StandardCharsets.US_ASCII)));
    }

    void add(String name, byte[] content) throws IOException {
        write(header(name, content.length));
        write(ByteBuffer.wrap(content));
        pad(content.length);
    }

    /** A member of yet unknown size; close the stream to finish it (closing twice is harmless). */
    OutputStream stream(String name) throws IOException {
        long headerAt = file.position();
        write(header(name, 0));
        long start = file.position();
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                ArWriter.this.write(ByteBuffer.wrap(bytes, offset, length));
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    long size = file.position() - start;
                    ByteBuffer header = header(name, size);
                    while (header.hasRemaining()) {
                        file.write(header, headerAt + header.position());
                    }
                    pad(size);
                }
            }
        };
    }

    private ByteBuffer header(String name, long size) {
        if (name.length() > 16 || size > 9_999_999_999L) {
            throw new IllegalArgumentException("Not an ar member: " + name + " of " + size + " bytes");
        }
        String header = String.format(Locale.ROOT, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", name, mtime, 0, 0, "100644", size);
        return ByteBuffer.wrap(header.getBytes(StandardCharsets.US_ASCII));
    }

    /** ar members start at even offsets. */
    private void pad(long size) throws IOException {
        if (size % 2 == 1) {
            write(ByteBuffer.wrap(new byte[] {'\n'}));
        }
    }

    private void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            file.write(bytes);
        }
    }
}
