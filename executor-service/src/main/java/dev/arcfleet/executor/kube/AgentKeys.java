package dev.arcfleet.executor.kube;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The Arc agents' RSA 4096 key pair. The executor generates it in memory, writes both halves only to the Secret in the
 * target cluster, and afterwards reads the public half back from there; the private key is never stored, logged or
 * published anywhere else.
 */
public final class AgentKeys {
    private AgentKeys() {
    }

    public record Encoded(String publicKeyBase64, String privateKeyPem) {
        @Override
        public String toString() {
            return "AgentKeys[public key " + publicKeyBase64.length() + " chars, private key redacted]";
        }
    }

    public static Encoded generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(4096);
            KeyPair pair = generator.generateKeyPair();
            String publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
            String privateKey = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            return new Encoded(publicKey, privateKey);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is part of every JRE", e);
        }
    }
}
