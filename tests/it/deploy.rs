//! The files in `deploy/`: the Kubernetes manifests parse as YAML and
//! hold what an Indexed Job, its merge and their shared volume need; the
//! Slurm scripts are an array that passes `bash -n`; the container file
//! builds the binary in one stage and runs it from a small one. (No
//! container builder runs here, so the image itself is not built.)

use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

fn docs(path: &str) -> Vec<Yaml> {
    let text = std::fs::read_to_string(path).unwrap();
    YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn s<'a>(y: &'a Yaml, what: &str) -> &'a str {
    y.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {y:?}"))
}

/// The pod template's only container, its args and the volume it mounts
/// at `/out` (the claim's name).
fn container(job: &Yaml) -> (Vec<String>, String, &Yaml) {
    let pod = &job["spec"]["template"]["spec"];
    let policy = s(&pod["restartPolicy"], "restartPolicy");
    assert!(["Never", "OnFailure"].contains(&policy), "{policy}");
    let containers = pod["containers"].as_vec().expect("containers");
    assert_eq!(containers.len(), 1);
    let c = &containers[0];
    assert_eq!(s(&c["image"], "image"), "scalesim:latest");
    let args: Vec<String> = c["args"]
        .as_vec()
        .expect("args")
        .iter()
        .map(|a| s(a, "an arg").to_string())
        .collect();
    let mount = &c["volumeMounts"][0];
    assert_eq!(s(&mount["mountPath"], "mountPath"), "/out");
    let volume = pod["volumes"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|v| v["name"] == mount["name"])
        .expect("the mounted volume");
    let claim = s(&volume["persistentVolumeClaim"]["claimName"], "claimName").to_string();
    (args, claim, c)
}

#[test]
fn the_kubernetes_manifests_are_an_indexed_job_its_merge_and_a_shared_volume() {
    let sweep = docs("deploy/kubernetes/sweep-job.yaml");
    let pvc = sweep
        .iter()
        .find(|d| d["kind"].as_str() == Some("PersistentVolumeClaim"))
        .expect("a volume claim");
    assert_eq!(
        pvc["spec"]["accessModes"][0].as_str(),
        Some("ReadWriteMany")
    );
    let job = sweep
        .iter()
        .find(|d| d["kind"].as_str() == Some("Job"))
        .expect("a Job");
    assert_eq!(s(&job["apiVersion"], "apiVersion"), "batch/v1");
    assert!(job["metadata"]["name"].as_str().is_some());
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    let completions = spec["completions"].as_i64().expect("completions");
    assert_eq!(spec["parallelism"].as_i64(), Some(completions));
    let (args, claim, c) = container(job);
    assert_eq!(claim, s(&pvc["metadata"]["name"], "the claim's name"));
    let count = c["env"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|e| e["name"].as_str() == Some(scalesim::shard::K8S_COUNT_VAR))
        .expect("SCALESIM_SHARD_COUNT in the pod's env");
    assert_eq!(s(&count["value"], "its value"), completions.to_string());
    let at = |flag: &str| {
        let i = args
            .iter()
            .position(|a| a == flag)
            .unwrap_or_else(|| panic!("{flag}"));
        args[i + 1].clone()
    };
    assert_eq!(args[0], "sweep");
    assert_eq!(at("--shard"), "auto");
    let out = at("--out");
    assert!(out.starts_with("/out/"), "{out}");
    assert!(Path::new(&args[1]).exists(), "{} is bundled", args[1]);

    let merge = docs("deploy/kubernetes/merge-job.yaml");
    assert_eq!(merge.len(), 1);
    assert_eq!(merge[0]["kind"].as_str(), Some("Job"));
    let (margs, mclaim, _) = container(&merge[0]);
    assert_eq!(margs, ["merge", out.as_str()]);
    assert_eq!(mclaim, claim);
}

#[test]
fn the_slurm_scripts_are_an_array_that_shards_itself() {
    let sweep = std::fs::read_to_string("deploy/slurm/sweep.sbatch").unwrap();
    assert!(sweep.starts_with("#!/bin/bash\n"));
    assert!(sweep.contains("\n#SBATCH --array=0-"), "{sweep}");
    assert!(sweep.contains("--shard auto"));
    let merge = std::fs::read_to_string("deploy/slurm/merge.sbatch").unwrap();
    assert!(merge.contains("merge \"$OUT\""));
    let submit = std::fs::read_to_string("deploy/slurm/submit.sh").unwrap();
    assert!(submit.contains("--dependency=\"afterok:"));
    for f in ["sweep.sbatch", "merge.sbatch", "submit.sh"] {
        let ok = std::process::Command::new("bash")
            .args(["-n", &format!("deploy/slurm/{f}")])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "{f} does not parse");
    }
}

#[test]
fn the_container_file_builds_in_one_stage_and_runs_from_a_small_one() {
    let text = std::fs::read_to_string("deploy/Containerfile").unwrap();
    let froms: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(froms.len(), 2, "{froms:?}");
    assert!(froms[0].ends_with(" AS build"), "{}", froms[0]);
    assert!(froms[1].contains("distroless"), "{}", froms[1]);
    assert!(text.contains("cargo build --release --locked --bin scalesim"));
    assert!(
        text.contains("COPY --from=build /src/target/release/scalesim /usr/local/bin/scalesim")
    );
    assert!(text.contains("COPY scenarios /opt/scalesim/scenarios"));
    assert!(text.contains("ENTRYPOINT [\"/usr/local/bin/scalesim\"]"));
    // Every folder the build copies exists.
    for line in text
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
    {
        for src in line
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .split_last()
            .unwrap()
            .1
        {
            assert!(Path::new(src).exists(), "{line}: no {src}");
        }
    }
    let docker = std::fs::read_to_string("deploy/Dockerfile").unwrap();
    assert_eq!(docker, text, "Dockerfile is the Containerfile");
}
