package io.seqguard.transport.jetty;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's bearer token: the configured one, or one generated on first start into a file
 * only its owner may read, and reused from that file afterwards. The log says where the token
 * is, never what it is.
 *
 * <p>Only a SHA-256 digest of the token is kept, and a presented token is compared digest to
 * digest with {@link MessageDigest#isEqual}, so neither the content nor the length of the
 * secret leaks through timing. Immutable and thread safe.
 */
final class AdminToken {
    private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);
    private static final int TOKEN_BYTES = 32;
    private static final String BEARER = "Bearer ";
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final byte[] digest;

    private AdminToken(String token) {
        this.digest = sha256(token);
    }

    /** A token given in configuration or code. */
    static AdminToken of(String token) {
        return new AdminToken(requireNonNull(token, "token"));
    }

    /**
     * The configured token, or the one in {@link HttpConfig#adminTokenFile()}, generating that
     * file first when it does not exist.
     *
     * @throws IOException when the file can be neither read nor created, or is empty
     */
    static AdminToken load(HttpConfig config) throws IOException {
        if (config.adminToken() != null) {
            LOG.info("admin API token: taken from configuration (seqguard.http.admin.token)");
            return of(config.adminToken());
        }
        Path file = config.adminTokenFile();
        if (!Files.exists(file)) {
            try {
                String token = generate(file);
                LOG.info("admin API token: generated a new random token into {} (readable by its owner only)", file);
                return of(token);
            } catch (FileAlreadyExistsException e) {
                // Another process created it first: use theirs.
                LOG.debug("admin token file appeared concurrently: {}", file);
            }
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IOException("the admin token file " + file + " is empty; delete it to have a new token generated, "
                    + "or set seqguard.http.admin.token");
        }
        warnIfShared(file);
        LOG.info("admin API token: read from {}", file);
        return of(token);
    }

    /**
     * Whether an {@code Authorization} header value presents this token.
     *
     * @param authorization the header value, or null when absent
     */
    boolean matches(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        String presented = authorization.substring(BEARER.length()).strip();
        return MessageDigest.isEqual(digest, sha256(presented));
    }

    private static String generate(Path file) throws IOException {
        byte[] random = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean posix = Files.getFileAttributeView(parent != null ? parent : file.toAbsolutePath().getRoot(),
                PosixFileAttributeView.class) != null;
        // The permissions are part of the creation, so the file is never readable by others, not even briefly.
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(file);
            LOG.warn("cannot restrict the permissions of {} on this file system; protect it yourself", file);
        }
        Files.writeString(file, token + System.lineSeparator(), StandardCharsets.UTF_8);
        return token;
    }

    private static void warnIfShared(Path file) {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view != null && !OWNER_ONLY.containsAll(view.readAttributes().permissions())) {
                LOG.warn("the admin token file {} is accessible to other users ({}); restrict it to its owner (chmod 600)",
                        file, PosixFilePermissions.toString(view.readAttributes().permissions()));
            }
        } catch (IOException e) {
            LOG.debug("cannot read the permissions of {}", file, e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
