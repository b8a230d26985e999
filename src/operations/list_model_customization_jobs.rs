//! `list_model_customization_jobs`.

super::operation_entry_points!(
    crate::generated::shapes::OP_LIST_MODEL_CUSTOMIZATION_JOBS,
    crate::generated::builders::list_model_customization_jobs
);
