package com.oneshotct.model.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A dataset's {@code manifest.json}: every file of the dataset (but the manifest itself) with its size and SHA-256,
 * paths relative to the dataset root with '/' separators, sorted. The dataset id is the SHA-256 of the manifest's
 * bytes ({@link #id(Path)}). The file is written one entry per line with no timestamps, so equal folders give equal
 * manifests and equal ids.
 *
 * @param format the manifest format, {@value #FORMAT}
 * @param name a free label of the dataset
 * @param files the entries, sorted by path
 */
public record Manifest(int format, String name, List<Entry> files) {
    public static final String FILE_NAME = "manifest.json";
    public static final int FORMAT = 1;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * One file of the dataset.
     *
     * @param path relative path with '/' separators, no '.' or '..' segments
     * @param size bytes
     * @param sha256 64 lowercase hex digits
     */
    public record Entry(String path, long size, String sha256) {
        public Entry {
            String bad = pathProblem(path);
            if (bad != null) {
                throw new IllegalArgumentException("manifest path \"" + path + "\" " + bad);
            }
            if (size < 0) {
                throw new IllegalArgumentException("manifest size of " + path + " is negative: " + size);
            }
            if (sha256 == null || !HEX.matcher(sha256).matches()) {
                throw new IllegalArgumentException(
                        "manifest sha256 of " + path + " must be 64 lowercase hex digits, got " + sha256);
            }
        }
    }

    public Manifest {
        if (format != FORMAT) {
            throw new IllegalArgumentException("manifest format must be " + FORMAT + ", got " + format);
        }
        if (name == null) {
            throw new IllegalArgumentException("manifest name is missing");
        }
        files = List.copyOf(files);
        Set<String> seen = new HashSet<>();
        for (Entry e : files) {
            if (!seen.add(e.path())) {
                throw new IllegalArgumentException("manifest lists " + e.path() + " twice");
            }
        }
    }

    /** Lists every regular file under {@code root} (the manifest excepted) with size and hash, without writing. */
    public static Manifest scan(Path root, String name) {
        List<Entry> entries = new ArrayList<>();
        for (String rel : listFiles(root)) {
            Path file = root.resolve(rel);
            try {
                entries.add(new Entry(rel, Files.size(file), sha256(file)));
            } catch (IOException e) {
                throw new DataException(file, "cannot read: " + e.getMessage(), e);
            }
        }
        return new Manifest(FORMAT, name, entries);
    }

    /** Scans {@code root} and writes {@code root/manifest.json}; returns what it wrote. */
    public static Manifest write(Path root, String name) {
        Manifest m = scan(root, name);
        Path file = root.resolve(FILE_NAME);
        try {
            Files.write(file, m.toJson());
        } catch (IOException e) {
            throw new DataException(file, "cannot write: " + e.getMessage(), e);
        }
        return m;
    }

    /** The manifest's bytes as {@link #write} stores them: one entry per line, no whitespace otherwise. */
    public byte[] toJson() {
        try {
            StringBuilder sb = new StringBuilder();
            sb.append("{\"format\":").append(format).append(",\"name\":").append(JSON.writeValueAsString(name))
                    .append(",\"files\":[");
            for (int i = 0; i < files.size(); i++) {
                Entry e = files.get(i);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", e.path());
                m.put("size", e.size());
                m.put("sha256", e.sha256());
                sb.append(i == 0 ? "\n" : ",\n").append(JSON.writeValueAsString(m));
            }
            sb.append(files.isEmpty() ? "]}\n" : "\n]}\n");
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a manifest", e);
        }
    }

    /** Reads and checks a manifest file; every problem is a {@link DataException} naming the file. */
    public static Manifest read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file, "cannot read the manifest: " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new DataException(file, "malformed manifest JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read the manifest: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DataException(file, "the manifest must be a JSON object");
        }
        JsonNode format = field(file, root, "format", "");
        if (!format.isInt() || format.intValue() != FORMAT) {
            throw new DataException(file, "unsupported manifest format " + format + " (expected " + FORMAT + ")");
        }
        JsonNode name = field(file, root, "name", "");
        if (!name.isTextual()) {
            throw new DataException(file, "manifest field \"name\" must be a string");
        }
        JsonNode files = field(file, root, "files", "");
        if (!files.isArray()) {
            throw new DataException(file, "manifest field \"files\" must be an array");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String where = "files[" + i + "].";
            JsonNode e = files.get(i);
            if (!e.isObject()) {
                throw new DataException(file, "manifest " + "files[" + i + "] must be an object");
            }
            JsonNode path = field(file, e, "path", where);
            JsonNode size = field(file, e, "size", where);
            JsonNode sha = field(file, e, "sha256", where);
            if (!path.isTextual()) {
                throw new DataException(file, "manifest " + where + "path must be a string");
            }
            if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
                throw new DataException(file, "manifest " + where + "size must be a non-negative integer, got " + size);
            }
            if (!sha.isTextual() || !HEX.matcher(sha.textValue()).matches()) {
                throw new DataException(file, "manifest " + where + "sha256 must be 64 lowercase hex digits, got " + sha);
            }
            String bad = pathProblem(path.textValue());
            if (bad != null) {
                throw new DataException(file, "manifest " + where + "path " + path + " " + bad);
            }
            entries.add(new Entry(path.textValue(), size.longValue(), sha.textValue()));
        }
        try {
            return new Manifest(FORMAT, name.textValue(), entries);
        } catch (IllegalArgumentException e) {
            throw new DataException(file, e.getMessage(), e);
        }
    }

    /**
     * Checks the folder against the manifest: every listed file exists with its size and hash, and no other file
     * is there (the manifest itself aside). Throws a {@link DataException} naming the first bad file.
     */
    public void verify(Path root) {
        Set<String> listed = new HashSet<>();
        for (Entry e : files) {
            listed.add(e.path());
            Path file = root.resolve(e.path());
            if (!Files.isRegularFile(file)) {
                throw new DataException(file, "listed in the manifest but missing");
            }
            try {
                long size = Files.size(file);
                if (size != e.size()) {
                    throw new DataException(file, "size " + size + " bytes, the manifest says " + e.size());
                }
                String hash = sha256(file);
                if (!hash.equals(e.sha256())) {
                    throw new DataException(file, "SHA-256 " + hash + ", the manifest says " + e.sha256());
                }
            } catch (IOException ex) {
                throw new DataException(file, "cannot read: " + ex.getMessage(), ex);
            }
        }
        for (String rel : listFiles(root)) {
            if (!listed.contains(rel)) {
                throw new DataException(root.resolve(rel), "not listed in the manifest");
            }
        }
    }

    /** The dataset id: the SHA-256 (lowercase hex) of the manifest file's bytes. */
    public static String id(Path manifestFile) {
        try {
            return sha256(manifestFile);
        } catch (IOException e) {
            throw new DataException(manifestFile, "cannot read the manifest: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of a file, lowercase hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    private static JsonNode field(Path file, JsonNode node, String name, String where) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new DataException(file, "manifest field \"" + where + name + "\" is missing");
        }
        return v;
    }

    /** Why a manifest path is unsafe or malformed, or null if it is fine. */
    private static String pathProblem(String path) {
        if (path == null || path.isEmpty()) {
            return "is empty";
        }
        if (path.startsWith("/") || path.contains("\\") || path.contains(":")) {
            return "must be relative with '/' separators (no leading '/', no '\\' or ':')";
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                return "must not contain empty, '.' or '..' segments";
            }
        }
        if (path.equals(FILE_NAME)) {
            return "is the manifest itself";
        }
        return null;
    }

    /** Relative '/'-separated paths of the regular files under root, the root manifest excepted, sorted. */
    private static List<String> listFiles(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DataException(root, "not a folder");
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                StringBuilder sb = new StringBuilder();
                for (Path part : root.relativize(p)) {
                    sb.append(sb.length() == 0 ? "" : "/").append(part);
                }
                String rel = sb.toString();
                if (!rel.equals(FILE_NAME)) {
                    out.add(rel);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new DataException(root, "cannot list the folder: " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }
}
